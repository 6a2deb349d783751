namespace OpsConsole.Domain.Users;

/// <summary>
/// Shows the generated first password to the person who started the console: on the terminal (standard output)
/// only, never through a logger, because log files are kept, shipped and read by people who must not sign in as
/// <c>admin</c>. Tests replace it to read the password.
/// </summary>
public class FirstPasswordNotice
{
    public virtual void Show(string userName, string password) =>
        global::System.Console.Out.WriteLine(
            $"Created the first account {userName} with the generated password {password} (shown once, never logged; it must be changed at first sign-in)");
}
