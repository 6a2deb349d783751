using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Audit;
using OpsConsole.Web.Api;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Audit;

public partial class AuditPage
{
    private const string AnyOutcome = "";

    [Inject] public required AuditQueries Queries { get; init; }
    [Inject] public required AuditChain Chain { get; init; }
    [Inject] public required AuditIntents Intents { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? Zone { get; set; }

    private MudTable<AuditEntry>? table;
    private readonly FilterForm form = new();

    // A new choice of clock (Preferences) re-reads the typed times in it; the table reloads with the next filter change.
    protected override void OnParametersSet() => form.Zone = Zone ?? TimeZoneInfo.Utc;
    private readonly HashSet<long> expanded = [];
    private IReadOnlySet<long> unknownOutcomes = new HashSet<long>();
    private ChainVerification? verification;
    private bool verifying;
    private VerifyProgress? chainProgress;
    private CancellationTokenSource? verifyCancel;
    private int total;

    private async Task<TableData<AuditEntry>> LoadAsync(TableState state, CancellationToken ct)
    {
        var page = await Queries.ListAsync(form.ToFilter(), state.Page, state.PageSize, ct);
        total = page.Total;
        unknownOutcomes = await Intents.UnresolvedAsync(page.Entries.Where(e => e.Outcome == AuditOutcome.Intended).Select(e => e.Id), ct);
        return new TableData<AuditEntry> { Items = page.Entries, TotalItems = page.Total };
    }

    private async Task ApplyAsync(Action change)
    {
        change();
        expanded.Clear();
        if (table is null)
            return;
        // A narrower filter may have fewer pages than the one being shown: start again from the first.
        if (table.CurrentPage != 0)
            table.NavigateTo(0);
        await table.ReloadServerData();
    }

    private Task ClearAsync() => ApplyAsync(form.Clear);

    private string ExportUrl(AuditExportFormat format) => AuditExportQuery.UrlFor(form.ToFilter(), format);

    /// <summary>
    /// Runs on the thread pool, so that a long verification (a million entries take seconds) leaves the circuit free to
    /// draw its progress and take the Cancel click; the progress reports come back through the circuit's context.
    /// </summary>
    private async Task VerifyChainAsync()
    {
        verifyCancel = new CancellationTokenSource();
        var token = verifyCancel.Token;
        verifying = true;
        verification = null;
        var started = Time.GetTimestamp();
        chainProgress = new VerifyProgress(0, 0, "Starting…");
        var reports = new Progress<ChainProgress>(p =>
        {
            if (!verifying)
                return;
            chainProgress = new VerifyProgress(p.Verified, p.Total, $"{p.Verified:N0} of {p.Total:N0} entries");
            StateHasChanged();
        });
        try
        {
            verification = await Task.Run(() => Chain.VerifyAsync(reports, token), token);
            var seconds = Time.GetElapsedTime(started).TotalSeconds;
            chainProgress = new VerifyProgress(verification.Entries, verification.Entries,
                $"{verification.Entries:N0} entries verified in {seconds:0.0} s");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            chainProgress = chainProgress with { Text = $"Cancelled after {chainProgress.Verified:N0} of {chainProgress.Total:N0} entries" };
        }
        finally
        {
            verifying = false;
        }
    }

    private void CancelVerify() => verifyCancel?.Cancel();

    private void CloseVerification()
    {
        verification = null;
        chainProgress = null;
    }

    /// <summary>Leaving the page stops a verification still running: nobody is left to see its result.</summary>
    public void Dispose() => verifyCancel?.Cancel();

    private sealed record VerifyProgress(long Verified, long Total, string Text)
    {
        public double Percent => Total > 0 ? Math.Min(100, 100.0 * Verified / Total) : 0;
    }

    private void ToggleDetails(long sequence)
    {
        if (!expanded.Remove(sequence))
            expanded.Add(sequence);
    }

    private static string ShortHash(string hash) => hash.Length > 12 ? $"{hash[..12]}…" : hash;

    private Color OutcomeColor(AuditEntry entry) => entry.Outcome switch
    {
        AuditOutcome.Succeeded => Color.Success,
        AuditOutcome.Refused => Color.Warning,
        AuditOutcome.Intended when !unknownOutcomes.Contains(entry.Id) => Color.Default,
        _ => Color.Error,
    };

    /// <summary>An intent whose outcome was never recorded says so: the action may or may not have happened.</summary>
    private string OutcomeText(AuditEntry entry) =>
        entry.Outcome == AuditOutcome.Intended && unknownOutcomes.Contains(entry.Id) ? "Outcome unknown" : entry.Outcome.ToString();

    private static string PrettyJson(string details)
    {
        try
        {
            using var document = JsonDocument.Parse(details);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return details;
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The filter fields as typed; date-times are read in the viewer's zone (their labels name it) and filter in UTC.</summary>
    private sealed class FilterForm
    {
        public string? Actor, Action, Subject, From, To, Search;
        public string Outcome = AnyOutcome;
        public int? ChangeNumber;
        public TimeZoneInfo Zone = TimeZoneInfo.Utc;

        public string? FromError => ViewerTimeZone.ReadInput(From, Zone).Error;
        public string? ToError => ViewerTimeZone.ReadInput(To, Zone).Error;

        public bool Any => ToFilter() != AuditFilter.None;

        public AuditFilter ToFilter() => new(Blank(Actor), Blank(Action), Blank(Subject), ChangeNumber,
            Enum.TryParse<AuditOutcome>(Outcome, out var outcome) ? outcome : null, ViewerTimeZone.ReadInput(From, Zone).At, ViewerTimeZone.ReadInput(To, Zone).At, Blank(Search));

        public void Clear()
        {
            Actor = Action = Subject = From = To = Search = null;
            Outcome = AnyOutcome;
            ChangeNumber = null;
        }

        private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
