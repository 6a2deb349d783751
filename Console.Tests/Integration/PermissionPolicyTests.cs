using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using OpsConsole.Domain.Access;
using OpsConsole.Tests.Support;

namespace OpsConsole.Tests.Integration;

/// <summary>
/// The UI's authorization policies, as the running console registers them, against the permission table: a page's
/// <c>[Authorize(Policy = ...)]</c> or an <c>AuthorizeView</c> must let in exactly the roles the domain would.
/// </summary>
public sealed class PermissionPolicyTests(ConsoleAppFixture fixture) : IClassFixture<ConsoleAppFixture>
{
    public static TheoryData<Permission> EveryPermission() => [.. Enum.GetValues<Permission>()];

    /// <summary>Every policy a page or component demands by attribute (the hub's API-key policy is not a permission's).</summary>
    public static TheoryData<string, string> EveryPolicyAComponentDemands()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in typeof(Program).Assembly.GetTypes().Where(t => t.IsAssignableTo(typeof(IComponent))))
            foreach (var authorize in type.GetCustomAttributes<AuthorizeAttribute>(inherit: false))
                if (authorize.Policy is { } policy)
                    data.Add(type.Name, policy);
        return data;
    }

    private async Task<bool> AllowsAsync(string policy, string role)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role)], "test"));
        return (await fixture.App.Service<IAuthorizationService>().AuthorizeAsync(user, policy)).Succeeded;
    }

    [Theory]
    [MemberData(nameof(EveryPermission))]
    public async Task EachPermissionsPolicy_LetsInExactlyTheRolesTheTableNames(Permission permission)
    {
        var policy = PermissionTable.PolicyName(permission);

        foreach (var role in Roles.All)
            Assert.True(PermissionTable.Allows([role], permission) == await AllowsAsync(policy, role),
                $"policy {policy} and the permission table disagree about {role}");
    }

    [Theory]
    [MemberData(nameof(EveryPolicyAComponentDemands))]
    public async Task APolicyAComponentDemands_IsAPermissionsPolicyTheConsoleRegisters(string component, string policy)
    {
        var permission = Enum.GetValues<Permission>().Where(p => PermissionTable.PolicyName(p) == policy).Cast<Permission?>().SingleOrDefault();

        Assert.True(permission is not null, $"{component} demands policy '{policy}', which names no permission");
        Assert.NotNull(await fixture.App.Service<IAuthorizationPolicyProvider>().GetPolicyAsync(policy));
    }
}
