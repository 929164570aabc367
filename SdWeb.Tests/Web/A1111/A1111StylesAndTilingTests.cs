using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.A1111;

/// <summary>AUTOMATIC1111's <c>styles</c>, <c>tiling</c> and <c>GET prompt-styles</c> through HTTP against the real app and the tiny model.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class A1111StylesAndTilingTests
{
    [Fact]
    public async Task StylesAndTilingAreAppliedStoredAndWrittenIntoTheInfotext()
    {
        await using var app = new EngineHostApp();
        await app.AdminAsync();
        var (userId, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "styles-client");
        var client = ApiKeyClients.Bearer(app.CreateClient(), key);
        client.Timeout = TimeSpan.FromMinutes(5);
        var styles = app.Services.GetRequiredService<PromptStyleLibrary>();
        Assert.Null(await styles.SaveAsync(null, "painted", "{prompt}, oil painting", "photo", CancellationToken.None));

        var listed = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/prompt-styles");
        var style = Assert.Single(listed.EnumerateArray());
        Assert.Equal(("painted", "{prompt}, oil painting", "photo"),
            (style.GetProperty("name").GetString(), style.GetProperty("prompt").GetString(), style.GetProperty("negative_prompt").GetString()));

        var response = await client.PostAsJsonAsync("/sdapi/v1/txt2img", new
        {
            prompt = "a brick wall", negative_prompt = "blurry", styles = new[] { "painted" }, tiling = true,
            seed = 7, steps = 2, width = 64, height = 64, sampler_name = "Euler a",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");

        using var answer = JsonDocument.Parse(body);
        using var info = JsonDocument.Parse(answer.RootElement.GetProperty("info").GetString()!);
        Assert.Equal("a brick wall, oil painting", info.RootElement.GetProperty("prompt").GetString());
        Assert.Equal("blurry, photo", info.RootElement.GetProperty("negative_prompt").GetString());
        var infotext = info.RootElement.GetProperty("infotexts")[0].GetString()!;
        Assert.StartsWith("a brick wall, oil painting\nNegative prompt: blurry, photo\n", infotext, StringComparison.Ordinal);
        Assert.Contains(", Tiling: True,", infotext, StringComparison.Ordinal);
        Assert.DoesNotContain(info.RootElement.GetProperty("warnings").EnumerateArray(),
            w => w.GetString()!.StartsWith("tiling", StringComparison.Ordinal) || w.GetString()!.StartsWith("styles", StringComparison.Ordinal));

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var job = await db.Jobs.SingleAsync(j => j.UserId == userId);
        Assert.True(job.Tiling);
        Assert.Equal(["painted"], job.Styles);
        Assert.True((await db.Images.SingleAsync(i => i.UserId == userId)).Tiling);
    }
}
