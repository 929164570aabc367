using Bunit;
using MudBlazor.Services;

namespace SdWeb.Tests.Web.Components;

/// <summary>A bUnit context with MudBlazor's services, disposed asynchronously as MudBlazor's services require.</summary>
public abstract class MudComponentTest : BunitContext, IAsyncLifetime
{
    protected MudComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // A render is milliseconds, but the tests share two cores with tensor work; a wait that passes returns at once.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Services.AddMudServices();
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await DisposeTestAsync();
    }

    protected virtual Task DisposeTestAsync() => Task.CompletedTask;
}
