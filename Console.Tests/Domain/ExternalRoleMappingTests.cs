using OpsConsole.Domain.Access;
using OpsConsole.Domain.Users;

namespace OpsConsole.Tests.Domain;

public sealed class ExternalRoleMappingTests
{
    [Fact]
    public void MappedGroups_BecomeConsoleRoles_AndUnknownNamesAreDropped()
    {
        var map = new Dictionary<string, string> { ["db-admins"] = Roles.Dba, ["sre"] = Roles.OnCall };

        var roles = ExternalRoleMapping.Map(["sre", "db-admins", "marketing", "Viewer", "sre"], map);

        Assert.Equal([Roles.Dba, Roles.OnCall, Roles.Viewer], roles);
    }

    [Fact]
    public void GroupsThatOnlyResembleAMappedGroupOrARole_GiveNoRoles()
    {
        var map = new Dictionary<string, string> { ["db-admins"] = Roles.Dba };

        Assert.Empty(ExternalRoleMapping.Map(["admin", "DB-ADMINS", "db-admins-old", "dba", " Viewer"], map));
        Assert.Equal([Roles.Dba], ExternalRoleMapping.Map(["db-admins"], map));
    }
}
