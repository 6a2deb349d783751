using Microsoft.AspNetCore.Components;
using OpsConsole.Domain;
using OpsConsole.Domain.Incidents.Reports;
using OpsConsole.Domain.Live;

namespace OpsConsole.Web.Components.Pages.Incidents;

/// <summary>
/// The managers' page: per calendar month in the viewer's zone, incidents, mean time to detect and to recover, and the
/// change failure rate, as a chart and a table. The range comes from the address (<c>?from=2026-06&amp;to=2026-11</c>) or
/// defaults to the last six months; it re-reads when incidents or changes move, since this month is still being written.
/// </summary>
public partial class MonthlySummaryPage
{
    public const int DefaultMonths = 6;

    [Inject] public required MonthlySummaryQuery Summary { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    [CascadingParameter(Name = ViewerTimeZone.CascadeName)] public TimeZoneInfo? ViewerZone { get; set; }

    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }

    private ReportMonth first, last;
    private int? quick;
    private IReadOnlyList<ReportMonth> choices = [];
    private IReadOnlyList<MonthFigures>? months;
    private bool loading = true;
    private string? error;

    private TimeZoneInfo Zone => ViewerZone ?? TimeZoneInfo.Utc;

    /// <summary>A summary moves slowly: one re-read every few seconds at most, however busy the incident.</summary>
    protected override TimeSpan RenderGap => TimeSpan.FromSeconds(2);

    protected override bool Notice(OpsEvent e) => e is IncidentUpdated or ChangeUpdated;

    protected override async Task OnLiveAsync()
    {
        await ReadAsync();
        StateHasChanged();
    }

    protected override async Task OnInitializedAsync()
    {
        var now = ReportMonth.Of(Now, Zone);
        // Every month a summary may reach back to, newest first: the pickers offer nothing the query would refuse as too long.
        choices = Enumerable.Range(0, MonthlySummaryQuery.MaxMonths).Select(now.Back).ToList();
        (first, last, quick) = (now.Back(DefaultMonths - 1), now, DefaultMonths);
        if (ReportMonth.TryParse(From, out var from) && ReportMonth.TryParse(To, out var to))
            (first, last, quick) = (from, to, null);
        await ReadAsync();
    }

    private async Task PickQuickAsync(int? count)
    {
        if (count is not { } n)
            return;
        var now = ReportMonth.Of(Now, Zone);
        (first, last, quick) = (now.Back(n - 1), now, n);
        await ShowPickedAsync();
    }

    private async Task PickedAsync()
    {
        quick = null;
        await ShowPickedAsync();
    }

    /// <summary>The address follows the pick, so a link or a bookmark shows the same months.</summary>
    private async Task ShowPickedAsync()
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?> { ["from"] = first.ToString(), ["to"] = last.ToString() }),
            new NavigationOptions { ReplaceHistoryEntry = true });
        await ReadAsync();
    }

    private async Task ReadAsync()
    {
        loading = true;
        try
        {
            months = await Summary.ReadAsync(first, last, Zone);
            error = null;
        }
        catch (DomainRuleException refused)
        {
            (months, error) = (null, refused.Message);
        }
        finally
        {
            loading = false;
        }
    }

    private static bool IsEmpty(IReadOnlyList<MonthFigures> figures) => figures.All(m => m.Incidents == 0 && m.ChangesApplied == 0);

    internal static string MonthText(ReportMonth month) => MonthlySummaryFormat.MonthName(month);
}
