using Microsoft.Playwright;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>The app's pages as the browser tests open them.</summary>
public static class AccountPages
{
    /// <summary>
    /// Registers through the Register page (on a fresh install the first account becomes the admin) and waits for the
    /// Generate page it lands on. The form's own submit button: the theme toggle is a submit button too.
    /// </summary>
    public static async Task RegisterAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.FillAsync("#confirm", password);
        await page.ClickAsync(".account-form button[type=submit]");
        await page.WaitForURLAsync("**/generate");
    }

    /// <summary>
    /// Opens an app page and waits until its circuit is live: clicks and typing on the prerendered page are lost.
    /// </summary>
    public static async Task OpenInteractiveAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitInteractiveAsync(page);
    }

    /// <summary>Waits until the current page's circuit is live (the layout marks it).</summary>
    public static Task WaitInteractiveAsync(IPage page) => page.WaitForSelectorAsync("main[data-interactive=true]");
}
