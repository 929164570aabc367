using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.A1111;

/// <summary>
/// AUTOMATIC1111 payloads through HTTP against the real app with its engine worker, real SQLite and the tiny model:
/// the answer's shape, the images' sizes and the seeds,.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class A1111GenerationTests
{
    [Fact]
    public async Task Txt2ImgMakesBatchSizeTimesNIterImagesWithTheirSeeds()
    {
        await using var app = new EngineHostApp();
        await app.AdminAsync();
        var (userId, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "a1111-client");
        var client = ApiKeyClients.Bearer(app.CreateClient(), key);
        client.Timeout = TimeSpan.FromMinutes(5);
        var payload = new Dictionary<string, object?>
        {
            ["prompt"] = "(a red fox:1.2) in the snow, [detailed], masterpiece",
            ["negative_prompt"] = "blurry",
            ["sampler_index"] = "Euler a",
            ["seed"] = -1,
            ["batch_size"] = 2,
            ["n_iter"] = 2,
            ["steps"] = 2,
            ["cfg_scale"] = 7,
            ["width"] = 64,
            ["height"] = 48,
            ["restore_faces"] = true,
            ["override_settings"] = new Dictionary<string, object> { ["sd_model_checkpoint"] = LiveTeam.Model },
        };

        var answer = await PostAsync(client, payload);

        var images = answer.GetProperty("images").EnumerateArray().Select(i => Convert.FromBase64String(i.GetString()!)).ToList();
        Assert.Equal(4, images.Count);
        foreach (var png in images)
        {
            using var image = Image.Load<Rgb24>(png);
            Assert.Equal((64, 48), (image.Width, image.Height));
        }
        Assert.Equal("Euler a", answer.GetProperty("parameters").GetProperty("sampler_index").GetString());
        using var info = JsonDocument.Parse(answer.GetProperty("info").GetString()!);
        var seeds = info.RootElement.GetProperty("all_seeds").EnumerateArray().Select(s => s.GetInt64()).ToList();
        var seed = info.RootElement.GetProperty("seed").GetInt64();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => seed + i), seeds);
        Assert.Equal("Euler a", info.RootElement.GetProperty("sampler_name").GetString());
        Assert.Equal(4, info.RootElement.GetProperty("infotexts").GetArrayLength());
        Assert.Contains($"Seed: {seeds[3]}", info.RootElement.GetProperty("infotexts")[3].GetString());
        Assert.Contains(info.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("restore_faces", StringComparison.Ordinal));

        // The job is the user's, in the gallery, like one from the Generate page.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Equal(4, await db.Images.CountAsync(i => i.UserId == userId));
        }

        // A sampler named the A1111 way with a separate scheduler.
        payload.Remove("sampler_index");
        payload["sampler_name"] = "DPM++ 2M";
        payload["scheduler"] = "Karras";
        payload["batch_size"] = 1;
        var karras = await PostAsync(client, payload);
        using var karrasInfo = JsonDocument.Parse(karras.GetProperty("info").GetString()!);
        Assert.Equal("DPM++ 2M Karras", karrasInfo.RootElement.GetProperty("sampler_name").GetString());
        Assert.Equal(2, karras.GetProperty("images").GetArrayLength());
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, object payload)
    {
        var response = await client.PostAsJsonAsync("/sdapi/v1/txt2img", payload);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
