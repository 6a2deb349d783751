using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace OpsConsole.Tests.Components;

/// <summary>
/// Shared bUnit set-up: MudBlazor's services without animations, and loose JS interop (MudBlazor calls JS
/// that these tests do not observe). The wait timeout is raised because CI runs two test classes at once on
/// two cores, and a render can wait behind a browser test.
/// </summary>
public abstract class ConsoleComponentContext : BunitContext
{
    protected ConsoleComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options => options.SnackbarConfiguration.ShowTransitionDuration = 0);
        Services.AddSingleton(TimeProvider.System); // a test that controls time registers its own after this one
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }
}
