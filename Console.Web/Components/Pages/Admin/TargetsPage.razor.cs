using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Hosting.Auth;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class TargetsPage : IDisposable
{
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [CascadingParameter] public required Task<AuthenticationState> AuthState { get; init; }

    private MudForm? form;
    private IReadOnlyList<TargetSummary>? targets;
    private string? name, connectionString, error, errorField;
    private TargetEnvironment environment = TargetEnvironment.Production;
    private bool busy;
    private IDisposable? subscription;

    protected override void OnInitialized() =>
        subscription = Live.Subscribe(e => e is TargetUpdated ? InvokeAsync(async () => { await ReloadAsync(); StateHasChanged(); }) : Task.CompletedTask);

    protected override Task OnInitializedAsync() => ReloadAsync();

    private async Task ReloadAsync() => targets = await Targets.ListAsync();

    private async Task RegisterAsync()
    {
        error = errorField = null;
        busy = true;
        try
        {
            var registered = name?.Trim() ?? "";
            await Targets.RegisterAsync((await AuthState).User.ToActor(), registered, environment, connectionString ?? "");
            Snackbar.Add($"Registered {registered}.", Severity.Success);
            name = connectionString = null;
            await ReloadAsync();
        }
        catch (Exception e) when (e is DomainRuleException or AccessDeniedException)
        {
            (error, errorField) = (e.Message, (e as DomainRuleException)?.Field);
        }
        finally
        {
            // The secret leaves the circuit's memory whatever happened; a failed attempt is typed again.
            connectionString = null;
            busy = false;
        }
    }

    public void Dispose() => subscription?.Dispose();
}
