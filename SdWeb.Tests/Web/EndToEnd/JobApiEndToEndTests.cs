using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using SdWeb.Generation;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.EndToEnd;

/// <summary>The job API and the progress hub as a script would use them, against the real app and engine.</summary>
[Layer(Layer.Browser)]
public sealed class JobApiEndToEndTests
{
    [Fact]
    public async Task AScriptSubmitsWatchesThroughTheHubReadsAndCancelsJobsAndBadRequestsGetFieldErrors()
    {
        using var dir = new TempDir();
        using var app = await AppProcess.StartAsync(dir["data"], dir["models"], TimeSpan.FromMinutes(3));
        using var playwright = await Playwright.CreateAsync();
        var anonymous = await playwright.APIRequest.NewContextAsync(new() { BaseURL = app.Url });
        Assert.Equal(401, (await anonymous.PostAsync("/api/jobs", new() { DataObject = new { prompt = "x" } })).Status);

        await using var browser = await Chromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = app.Url });
        var page = await context.NewPageAsync();
        await AccountPages.RegisterAsync(page, "grace", "Compiler-1952!");
        var api = context.APIRequest;

        var invalid = await api.PostAsync("/api/jobs", new() { DataObject = new { prompt = "a boat", steps = 0 } });
        Assert.Equal(400, invalid.Status);
        var problem = JsonDocument.Parse(await invalid.TextAsync()).RootElement;
        Assert.Equal("Steps must be between 1 and 1000, not 0.", problem.GetProperty("errors").GetProperty("Steps")[0].GetString());

        // Watch a job through the hub with the browser's login cookie.
        var accepted = await api.PostAsync("/api/jobs", new() { DataObject = new { prompt = "a boat", steps = 4, width = 128, height = 128 } });
        Assert.Equal(202, accepted.Status);
        var jobId = JsonDocument.Parse(await accepted.TextAsync()).RootElement.GetProperty("id").GetGuid();
        var cookies = new CookieContainer();
        foreach (var cookie in await context.CookiesAsync())
            cookies.Add(new Uri(app.Url), new System.Net.Cookie(cookie.Name, cookie.Value));
        await using var hub = new HubConnectionBuilder()
            .WithUrl(app.Url + "/hubs/progress", o => o.Cookies = cookies)
            .Build();
        var finished = new TaskCompletionSource<JobView>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sawSteps = false;
        hub.On<JobView>("jobUpdated", view =>
        {
            sawSteps |= view.Step is > 0;
            if (view.Status is "Succeeded" or "Failed" or "Cancelled") finished.TrySetResult(view);
        });
        await hub.StartAsync();
        var current = await hub.InvokeAsync<JobView>("Watch", jobId);
        var done = current.Status == "Succeeded" ? current : await finished.Task.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.Equal("Succeeded", done.Status);

        var read = JsonDocument.Parse(await (await api.GetAsync($"/api/jobs/{jobId}")).TextAsync()).RootElement;
        Assert.Equal("Succeeded", read.GetProperty("status").GetString());
        Assert.Equal(1, read.GetProperty("imageIds").GetArrayLength());
        Assert.Equal(409, (await api.PostAsync($"/api/jobs/{jobId}/cancel")).Status);
        Assert.Equal(404, (await api.GetAsync($"/api/jobs/{Guid.NewGuid()}")).Status);
        Assert.True(sawSteps || current.Status == "Succeeded", "the hub sent no step progress");
    }
}
