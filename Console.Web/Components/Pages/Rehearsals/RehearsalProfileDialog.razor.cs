using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Rehearsals;
using OpsConsole.Domain.Rehearsals.Workloads;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Web.Components.Pages.Rehearsals;

/// <summary>
/// Creates a rehearsal profile or edits one. The form only gathers values: <see cref="RehearsalProfiles.SaveAsync"/> checks
/// the permission and every rule, and a refusal shows on the field it names (a script's field as <c>Scripts[1].Sql</c>).
/// </summary>
public partial class RehearsalProfileDialog : ActorComponentBase
{
    private static readonly string[] SettingFields =
    [
        nameof(RehearsalProfileSettings.Name), nameof(RehearsalProfileSettings.RatePerSecond), nameof(RehearsalProfileSettings.PeakMultiplier),
        nameof(RehearsalProfileSettings.ConcurrentShoppers), nameof(RehearsalProfileSettings.Duration), nameof(RehearsalProfileSettings.CartSizeMin),
        nameof(RehearsalProfileSettings.CartSizeMax), nameof(RehearsalProfileSettings.HotProducts), nameof(RehearsalProfileSettings.HotShare),
        nameof(RehearsalProfileSettings.Rounds), nameof(RehearsalThresholds.FailureRatePoints), nameof(RehearsalThresholds.DeadlockFactor),
        nameof(RehearsalThresholds.DeadlockAllowance), nameof(RehearsalThresholds.P95Factor), nameof(RehearsalProfileSettings.Scripts),
        nameof(RehearsalProfileSettings.MaxTries),
    ];

    [Inject] public required RehearsalProfiles Profiles { get; init; }

    [CascadingParameter] public required IMudDialogInstance Dialog { get; init; }
    /// <summary>The profile to edit; null for a new one.</summary>
    [Parameter] public RehearsalProfile? Profile { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }

    private string name = "";
    private double rate, multiplier, hotShare, failurePoints, deadlockFactor, deadlockAllowance, p95Factor;
    private int shoppers, durationSeconds, cartMin, cartMax, hotProducts, rounds, maxTries;
    private bool scripted;
    private readonly List<ScriptDraft> scripts = [];

    /// <summary>Opens the form; the saved profile's name, or null when nothing was saved.</summary>
    public static async Task<string?> ShowAsync(IDialogService dialogs, RehearsalProfile? profile, Actor actor)
    {
        var parameters = new DialogParameters<RehearsalProfileDialog> { { d => d.Profile, profile }, { d => d.Actor, actor } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true };
        var reference = await dialogs.ShowAsync<RehearsalProfileDialog>(profile is null ? "New rehearsal profile" : $"Edit {profile.Name}", parameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: string saved } ? saved : null;
    }

    protected override Task<Actor> ActorAsync() => Task.FromResult(Actor);

    protected override void OnInitialized()
    {
        // A new profile starts from the built-in peak, nameless: every field then holds a value the rules accept.
        var s = Profile?.Settings ?? RehearsalProfileDefaults.Peak with { Name = "" };
        (name, rate, multiplier, shoppers, durationSeconds) = (s.Name, s.RatePerSecond, s.PeakMultiplier, s.ConcurrentShoppers, (int)s.Duration.TotalSeconds);
        (cartMin, cartMax, hotProducts, hotShare, rounds) = (s.CartSizeMin, s.CartSizeMax, s.HotProducts, s.HotShare, s.Rounds);
        (failurePoints, deadlockFactor, deadlockAllowance, p95Factor) =
            (s.Thresholds.FailureRatePoints, s.Thresholds.DeadlockFactor, s.Thresholds.DeadlockAllowance, s.Thresholds.P95Factor);
        scripts.AddRange(s.Scripts.Select(x => new ScriptDraft { Name = x.Name, Weight = x.Weight, Sql = x.Sql }));
        (scripted, maxTries) = (scripts.Count > 0, s.MaxTries);
    }

    private string Title => Profile is null ? "New rehearsal profile" : $"Edit {Profile.Name}";

    private string[] ShownFields() =>
    [
        .. SettingFields,
        .. scripted ? scripts.SelectMany((_, i) => new[] { $"Scripts[{i}]", Field(i, "Name"), Field(i, "Weight"), Field(i, "Sql") }) : [],
    ];

    private static string Field(int index, string part) => $"Scripts[{index}].{part}";

    private void SetScripted(bool value)
    {
        scripted = value;
        if (scripted && scripts.Count == 0)
            AddScript();
    }

    private void AddScript() => scripts.Add(new ScriptDraft { Weight = 1 });

    private void RemoveScript(ScriptDraft script)
    {
        scripts.Remove(script);
        Errors.Clear();
    }

    private RehearsalProfileSettings Settings() =>
        new(name, rate, multiplier, shoppers, TimeSpan.FromSeconds(durationSeconds), cartMin, cartMax, hotProducts, hotShare, rounds,
            new RehearsalThresholds(failurePoints, deadlockFactor, deadlockAllowance, p95Factor))
        {
            Scripts = scripted ? scripts.Select(s => new SqlScript(s.Name ?? "", s.Weight, s.Sql ?? "")).ToList() : [],
            MaxTries = maxTries,
        };

    private async Task SaveAsync()
    {
        if (Busy)
            return;
        var settings = Settings();
        if (await RunAsync(actor => Profiles.SaveAsync(actor, Profile?.Id, settings)))
            Dialog.Close(DialogResult.Ok(settings.Name.Trim()));
    }

    private void Cancel() => Dialog.Cancel();

    private sealed class ScriptDraft
    {
        public string? Name { get; set; }
        public int Weight { get; set; }
        public string? Sql { get; set; }
    }
}
