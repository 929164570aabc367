using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Auth;
using SdWeb.Components.Layout;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class ThemeToggleTests : MudComponentTest
{
    private TestDatabase _db = default!;

    public override async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        Services.AddSingleton(new UserPreferences(_db));
        AddAuthorization().SetAuthorized("alice").SetClaims(new Claim(ClaimTypes.NameIdentifier, "alice"));
    }

    protected override Task DisposeTestAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SwitchingToDarkTellsTheLayoutAndRemembersItOnTheAccountAndInACookie()
    {
        bool? reported = null;
        var toggle = Render<ThemeToggle>(p => p
            .SetAssignedRenderMode(RenderMode.InteractiveServer)
            .Add(t => t.Dark, false)
            .Add(t => t.DarkChanged, dark => reported = dark));
        Assert.Equal("Switch to dark theme", toggle.Find("#theme-toggle").GetAttribute("aria-label"));

        await toggle.Find("#theme-toggle").ClickAsync(new MouseEventArgs());

        Assert.True(reported);
        await using var db = _db.CreateDbContext();
        Assert.True((await db.Users.SingleAsync(u => u.Id == "alice")).DarkMode);
        Assert.False((await db.Users.SingleAsync(u => u.Id == "bob")).DarkMode.HasValue);
        var remembered = Assert.Single(JSInterop.Invocations, i => i.Identifier == "sdweb.rememberTheme");
        Assert.Equal([true], remembered.Arguments);
    }

    [Fact]
    public void InDarkModeItOffersTheLightTheme()
    {
        var toggle = Render<ThemeToggle>(p => p.SetAssignedRenderMode(RenderMode.InteractiveServer).Add(t => t.Dark, true));

        Assert.Equal("Switch to light theme", toggle.Find("#theme-toggle").GetAttribute("aria-label"));
    }

    [Fact]
    public void OnAStaticPageItPostsTheOppositeThemeAndComesBack()
    {
        Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>().NavigateTo("Account/Login");
        var toggle = Render<ThemeToggle>(p => p.Add(t => t.Dark, false));

        var form = toggle.Find("form");
        Assert.Equal("Account/Theme", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("true", form.QuerySelector("input[name=dark]")!.GetAttribute("value"));
        Assert.Equal("Account/Login", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
        Assert.Equal("submit", toggle.Find("#theme-toggle").GetAttribute("type"));
    }
}
