using OpsConsole.Domain.Access;

namespace OpsConsole.Tests.Domain;

public sealed class PermissionTableTests
{
    // The product's rule, written out by hand: managers (Viewer) read only; on-call rolls back and runs
    // incidents; DBAs own database changes and sessions; Admins may do everything.
    private static readonly Dictionary<Permission, string[]> Expected = new()
    {
        [Permission.RegisterChange] = [Roles.Dba, Roles.Admin],
        [Permission.ReviewChange] = [Roles.Dba, Roles.Admin],
        [Permission.ApplyChange] = [Roles.Dba, Roles.Admin],
        [Permission.RollbackChange] = [Roles.OnCall, Roles.Dba, Roles.Admin],
        [Permission.TerminateSession] = [Roles.Dba, Roles.Admin],
        [Permission.ManageIncidents] = [Roles.OnCall, Roles.Dba, Roles.Admin],
        [Permission.ManageTargets] = [Roles.Admin],
        [Permission.ManageDemoShop] = [Roles.Admin],
        [Permission.ManageUsers] = [Roles.Admin],
        [Permission.ManageApiKeys] = [Roles.Admin],
        [Permission.SendAlerts] = [Roles.OnCall, Roles.Dba, Roles.Admin],
        [Permission.ManageAlertRules] = [Roles.Admin],
        [Permission.RunRehearsals] = [Roles.Dba, Roles.Admin],
    };

    public static TheoryData<Permission, string, bool> EveryPermissionForEveryRole()
    {
        var data = new TheoryData<Permission, string, bool>();
        foreach (var permission in Enum.GetValues<Permission>())
            foreach (var role in Roles.All)
                data.Add(permission, role, Expected[permission].Contains(role));
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPermissionForEveryRole))]
    public void Demand_AllowsExactlyTheRolesThePermissionNames(Permission permission, string role, bool allowed)
    {
        var actor = new Actor("id", "someone", [role]);

        var refusal = Record.Exception(() => actor.Demand(permission));

        if (allowed)
            Assert.Null(refusal);
        else
            Assert.Equal(permission, Assert.IsType<AccessDeniedException>(refusal).Permission);
    }

    [Fact]
    public void EveryPermission_IsCoveredByTheExpectedTable()
    {
        Assert.Equal(Enum.GetValues<Permission>().Order(), Expected.Keys.Order());
    }

    [Fact]
    public void ActorWithoutRoles_IsRefusedEverything()
    {
        var nobody = new Actor("id", "nobody", []);

        Assert.All(Enum.GetValues<Permission>(), p => Assert.Throws<AccessDeniedException>(() => nobody.Demand(p)));
    }

    [Fact]
    public void Refusal_NamesWhatWasRefusedAndWhichRolesWouldAllowIt()
    {
        var viewer = new Actor("id", "mia", [Roles.Viewer]);

        var refusal = Assert.Throws<AccessDeniedException>(() => viewer.Demand(Permission.RollbackChange));

        Assert.Equal("mia may not roll back changes: that needs one of the roles OnCall, DBA, Admin.", refusal.Message);
    }
}
