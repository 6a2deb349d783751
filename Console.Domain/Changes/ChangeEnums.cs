namespace OpsConsole.Domain.Changes;

public enum ChangeKind { Setting, Sql, External }

public enum ChangeRisk { Low, Medium, High }

public enum ChangeStatus { Draft, InReview, Approved, Applied, RolledBack, Rejected, Superseded, Detected, RollbackFailed }

public enum ReviewVerdict { Approved, Rejected, Commented }
