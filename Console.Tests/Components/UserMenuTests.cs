using Bunit;
using OpsConsole.Web.Components.Layout;

namespace OpsConsole.Tests.Components;

public sealed class UserMenuTests : ConsoleComponentContext
{
    [Fact]
    public void SignedIn_ShowsTheUserAndEachRole_AndASignOutForm()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("dana");
        auth.SetRoles("OnCall", "DBA");

        var menu = Render<UserMenu>();

        Assert.Contains("dana", menu.Find("[data-testid=signed-in-user]").TextContent);
        Assert.Equal(["DBA", "OnCall"], menu.FindAll("[data-testid=role-chip]").Select(c => c.TextContent.Trim()));
        Assert.Equal("account/logout", menu.Find("form").GetAttribute("action"));
    }

    [Fact]
    public void SignedIn_LinksToTheirOwnApiTokens()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("vera");
        auth.SetRoles("Viewer");

        var menu = Render<UserMenu>();

        Assert.Equal("account/tokens", menu.Find("[data-testid=tokens-link]").GetAttribute("href"));
        Assert.Equal("API tokens", menu.Find("[data-testid=tokens-link]").GetAttribute("aria-label"));
    }

    [Fact]
    public void SignedOut_ShowsNeitherTheUserNorTheSignOutForm_ThatSignedInShows()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("dana");
        var signedIn = Render<UserMenu>();
        Assert.Single(signedIn.FindAll("[data-testid=signed-in-user]"));
        Assert.Single(signedIn.FindAll("form"));

        auth.SetNotAuthorized();
        var signedOut = Render<UserMenu>();

        Assert.Empty(signedOut.FindAll("[data-testid=signed-in-user]"));
        Assert.Empty(signedOut.FindAll("form"));
    }
}
