using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Live;
using OpsConsole.Domain.Targets;

namespace OpsConsole.Web.Components.Pages.Admin;

public partial class TargetsPage : IDisposable
{
    [Inject] public required TargetRegistry Targets { get; init; }
    [Inject] public required LiveEvents Live { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private MudForm? form;
    private IReadOnlyList<TargetSummary>? targets;
    private string? name, connectionString;
    private TargetEnvironment environment = TargetEnvironment.Production;
    private IDisposable? subscription;
    private Guid? editing;

    protected override void OnInitialized() =>
        subscription = Live.Subscribe(e => e is TargetUpdated ? InvokeAsync(async () => { await ReloadAsync(); StateHasChanged(); }) : Task.CompletedTask);

    protected override Task OnInitializedAsync() => ReloadAsync();

    // Retired targets stay listed here, as history; pickers elsewhere leave them out.
    private async Task ReloadAsync() => targets = await Targets.ListAsync(includeRetired: true);

    private async Task RegisterAsync()
    {
        var registered = name?.Trim() ?? "";
        var secret = connectionString ?? "";
        // The secret leaves the circuit's memory whatever happens; a failed attempt is typed again.
        connectionString = null;
        if (await RunAsync(actor => Targets.RegisterAsync(actor, registered, environment, secret)))
        {
            Snackbar.Add($"Registered {registered}.", Severity.Success);
            name = null;
            await ReloadAsync();
        }
    }

    public void Dispose() => subscription?.Dispose();
}
