using OpsConsole.Domain.Rehearsals.Staging;

namespace OpsConsole.Tests.Domain;

/// <summary>postgresql.auto.conf entries written back as ALTER SYSTEM wrote them, quoted lists included.</summary>
public sealed class AutoConfSqlTests
{
    [Fact]
    public void Set_OfAPlainSetting_IsOneLiteral() =>
        Assert.Equal("ALTER SYSTEM SET \"work_mem\" = '64MB'", AutoConfSql.Set(new AutoConfEntry("work_mem", "64MB")));

    [Fact]
    public void Set_OfAQuotedList_GivesEachElementItsOwnLiteral() =>
        Assert.Equal("ALTER SYSTEM SET \"search_path\" = '$user', 'public', 'a \"b'",
            AutoConfSql.Set(new AutoConfEntry("search_path", "\"$user\", public, \"a \"\"b\"")));

    [Fact]
    public void Set_OfAnEmptyQuotedList_IsOneEmptyElement() =>
        Assert.Equal("ALTER SYSTEM SET \"search_path\" = ''", AutoConfSql.Set(new AutoConfEntry("search_path", "\"\"")));

    [Fact]
    public void Set_OfAValueWithAQuote_DoublesIt() =>
        Assert.Equal("ALTER SYSTEM SET \"application_name\" = 'o''brien'", AutoConfSql.Set(new AutoConfEntry("application_name", "o'brien")));
}
