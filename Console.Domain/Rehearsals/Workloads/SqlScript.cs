namespace OpsConsole.Domain.Rehearsals.Workloads;

/// <summary>
/// One of a team's own transactions, as a pgbench custom script: SQL with pgbench's meta-commands for random parameters
/// (<c>\set id random(1, 100000)</c>, then <c>:id</c> in the SQL), picked by <see cref="Weight"/> among the profile's scripts.
/// </summary>
public sealed record SqlScript(string Name, int Weight, string Sql);
