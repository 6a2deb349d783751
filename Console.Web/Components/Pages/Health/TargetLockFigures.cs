namespace OpsConsole.Web.Components.Pages.Health;

/// <summary>A target's lock figures for the Health page; Waiting is null until the sampler has a sample.</summary>
public sealed record TargetLockFigures(Guid TargetId, string TargetName, int? Waiting, TimeSpan LongestWait, long DeadlocksLastMinute);
