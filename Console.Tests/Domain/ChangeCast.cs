using OpsConsole.Domain.Access;
using OpsConsole.Domain.Changes;

namespace OpsConsole.Tests.Domain;

/// <summary>The people and changes the change lifecycle tests share: ann authors, bob and cat review.</summary>
internal static class ChangeCast
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    public static readonly Actor Author = new("a", "ann", [Roles.Dba]);
    public static readonly Actor Reviewer1 = new("b", "bob", [Roles.Dba]);
    public static readonly Actor Reviewer2 = new("c", "cat", [Roles.Dba]);

    public static ConfigChange NewSqlChange(ChangeRisk risk = ChangeRisk.Medium) =>
        ConfigChange.ForSql(Guid.NewGuid(), new ChangeDetails("Add index", "Speed up order lookup", null, risk, null),
            "CREATE INDEX i ON orders (id)", "DROP INDEX i", Author, Now);

    public static ConfigChange InReview(ChangeRisk risk = ChangeRisk.Medium)
    {
        var change = NewSqlChange(risk);
        change.Submit(Author, Now);
        return change;
    }
}
