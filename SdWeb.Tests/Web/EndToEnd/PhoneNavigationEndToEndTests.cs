using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Hardening;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>
/// On a 390×844 phone the drawer folds away behind the menu button, which only an interactive page has: a static account
/// page (server-rendered for Identity) links to the app's pages from its app bar instead, and stays clean for axe-core.
/// </summary>
[Layer(Layer.Browser)]
[Collection(LiveAppCollection.Name)]
public sealed class PhoneNavigationEndToEndTests
{
    [Fact]
    public async Task AStaticAccountPageOnAPhoneLinksToEveryAppPageAndHasNoSeriousAxeViolation()
    {
        using var dir = new TempDir();
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        await Chromium.DriveAsync(app, "sdweb-phone-nav-failure.png", width: 390, height: 844, drive: async (page, _) =>
        {
            await AccountPages.RegisterAsync(page, "grace", "Compiler-1952!");
            await page.GotoAsync("/Account/Users");

            var links = page.Locator("#static-nav a");
            Assert.True(await page.Locator("#static-nav").IsVisibleAsync(), "the app bar's page links show on a phone");
            Assert.Equal(["Generate", "Gallery", "Styles", "API keys", "Models", "Users"],
                await links.EvaluateAllAsync<string[]>("links => links.map(l => l.getAttribute('aria-label'))"));
            var axe = await page.RunAxe();
            Assert.Empty(axe.Violations.Where(v => v.Impact is "critical" or "serious").Select(v => $"{v.Id}: {v.Help}"));

            await page.Locator("#static-nav a[aria-label=Gallery]").ClickAsync();
            await page.WaitForURLAsync("**/gallery");
            await AccountPages.WaitInteractiveAsync(page);
            // An interactive page has the drawer's menu button, and no second set of links.
            Assert.True(await page.Locator("#menu-toggle").IsVisibleAsync());
            Assert.Equal(0, await page.Locator("#static-nav").CountAsync());

            // On a wide screen the static page shows the drawer beside it, not the links.
            await page.SetViewportSizeAsync(1400, 900);
            await page.GotoAsync("/Account/Users");
            Assert.False(await page.Locator("#static-nav").IsVisibleAsync());
            Assert.True(await page.GetByRole(AriaRole.Link, new() { Name = "Gallery" }).IsVisibleAsync());
        });
    }
}
