using OpsConsole.Domain.Users;

namespace OpsConsole.Tests.Domain;

public sealed class AdminBootstrapPasswordTests
{
    [Fact]
    public void GeneratedPasswords_MeetThePolicy_AndDiffer()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => AdminBootstrap.GeneratePassword()).ToList();

        Assert.All(passwords, p =>
        {
            Assert.Equal(20, p.Length);
            Assert.Contains(p, char.IsUpper);
            Assert.Contains(p, char.IsLower);
            Assert.Contains(p, char.IsDigit);
            Assert.Contains(p, c => !char.IsLetterOrDigit(c));
        });
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
    }
}
