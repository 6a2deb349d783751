using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using OpsConsole.Domain;
using OpsConsole.Domain.Access;
using OpsConsole.Domain.Rollbacks;
using OpsConsole.Domain.Targets;
using OpsConsole.Web.Components.Shared;

namespace OpsConsole.Tests.Components;

/// <summary>
/// The base every mutating component runs through: each kind of domain refusal lands on the form (or on the field it
/// names), and anything that is not a refusal is not swallowed.
/// </summary>
public sealed class RefusalFormTests : ConsoleComponentContext
{
    private static readonly Actor Ann = new("u-ann", "ann", [Roles.Viewer]);

    /// <summary>A form with one field (Reason) and one button that runs <see cref="Mutation"/> as Ann.</summary>
    private sealed class Form : ActorComponentBase
    {
        [Parameter] public Func<Actor, Task> Mutation { get; set; } = _ => Task.CompletedTask;

        protected override Task<Actor> ActorAsync() => Task.FromResult(Ann);

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "onclick", EventCallback.Factory.Create<MouseEventArgs>(this, () => RunAsync(Mutation)));
            builder.AddContent(2, Busy ? "Busy" : "Go");
            builder.CloseElement();
            builder.OpenElement(3, "p");
            builder.AddAttribute(4, "id", "reason");
            builder.AddContent(5, Errors.For("Reason"));
            builder.CloseElement();
            builder.OpenElement(6, "p");
            builder.AddAttribute(7, "id", "form");
            builder.AddContent(8, Errors.FormMessage("Reason"));
            builder.CloseElement();
        }
    }

    private IRenderedComponent<Form> Refusing(Exception refusal) =>
        Render<Form>(p => p.Add(f => f.Mutation, _ => Task.FromException(refusal)));

    public static TheoryData<string> FormRefusals() => ["target", "denied", "rollback", "rule"];

    [Theory]
    [MemberData(nameof(FormRefusals))]
    public void ARefusal_IsShownAboveTheForm(string kind)
    {
        Exception refusal = kind switch
        {
            "target" => new TargetUnavailableException("shop", "the connection was refused (is PostgreSQL listening there?)"),
            "denied" => new AccessDeniedException(Ann, Permission.RollbackChange),
            "rollback" => new RollbackRefusedException("A rollback of change #7 is already in progress."),
            _ => new DomainRuleException("That change does not exist."),
        };
        var form = Refusing(refusal);

        form.Find("button").Click();

        Assert.Equal(refusal.Message, form.Find("#form").TextContent);
        Assert.Equal("", form.Find("#reason").TextContent);
        Assert.Equal("Go", form.Find("button").TextContent);
    }

    [Fact]
    public void ARuleAboutAField_IsShownOnThatField_NotAboveTheForm()
    {
        var form = Refusing(new DomainRuleException("Say why the change is rolled back.", "Reason"));

        form.Find("button").Click();

        Assert.Equal("Say why the change is rolled back.", form.Find("#reason").TextContent);
        Assert.Equal("", form.Find("#form").TextContent);
    }

    [Fact]
    public void ASecondTry_ClearsTheLastRefusal()
    {
        var attempts = 0;
        var form = Render<Form>(p => p.Add(f => f.Mutation, _ => ++attempts == 1
            ? Task.FromException(new TargetUnavailableException("shop", "it did not answer within 3 seconds"))
            : Task.CompletedTask));

        form.Find("button").Click();
        form.Find("button").Click();

        Assert.Equal(2, attempts);
        Assert.Equal("", form.Find("#form").TextContent);
    }

    [Fact]
    public async Task AFaultThatIsNoRefusal_IsNotSwallowed()
    {
        var form = Refusing(new InvalidOperationException("a bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => form.Find("button").ClickAsync(new MouseEventArgs()));
    }
}
