using Microsoft.Playwright;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>The account pages as the browser tests use them.</summary>
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
}
