using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using SdWeb.Cli;
using SdWeb.Tests.Web.Hardening;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.A1111;

/// <summary>
/// AUTOMATIC1111 clients against the real app as its own process (real SQLite, the tiny model, one engine thread, so
/// no other test changes libtorch's threads mid-run): the payloads of A1111's API wiki, the answer's shape and sizes,
/// the seeds in <c>info</c>, options that change later calls, and the same request with a returned seed giving the same pixels.
/// </summary>
[Collection(LiveAppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class A1111AcceptanceTests
{
    [Fact]
    public async Task WikiPayloadsAnswerInA1111sShapeAndTheReturnedSeedGivesTheSamePixels()
    {
        using var team = new LiveTeam();
        using var app = await team.StartAsync();
        await team.CreateAccountsAsync(app, []);
        using var client = ApiKeyClients.Basic(new HttpClient { BaseAddress = new Uri(app.Url), Timeout = TimeSpan.FromMinutes(10) },
            LiveTeam.Admin, await CreateKeyAsync(team.DataDir));

        // sd-models: A1111's hashes of the file it hashes for a diffusers folder, computed here independently.
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(
            Path.Combine(team.Dir["models"], LiveTeam.Model, "unet", "diffusion_pytorch_model.safetensors"))));
        var model = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models")).EnumerateArray());
        Assert.Equal(sha256, model.GetProperty("sha256").GetString());
        Assert.Equal(sha256[..10], model.GetProperty("hash").GetString());
        Assert.Equal($"{LiveTeam.Model} [{sha256[..10]}]", model.GetProperty("title").GetString());

        // The caller's options change their later calls: the model by its title, and clip skip.
        var options = await client.PostAsJsonAsync("/sdapi/v1/options",
            new Dictionary<string, object> { ["sd_model_checkpoint"] = $"{LiveTeam.Model} [{sha256[..10]}]", ["CLIP_stop_at_last_layers"] = 2 });
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);

        var payload = new Dictionary<string, object?>
        {
            ["prompt"] = "(masterpiece:1.2), a [red|blue] fox in the snow, <very detailed>, (((sharp focus)))",
            ["negative_prompt"] = "blurry, lowres",
            ["sampler_index"] = "Euler a",
            ["seed"] = -1,
            ["batch_size"] = 2,
            ["n_iter"] = 2,
            ["steps"] = 3,
            ["cfg_scale"] = 7,
            ["width"] = 96,
            ["height"] = 64,
            ["restore_faces"] = true,
        };
        var (images, info) = await Txt2ImgAsync(client, payload);

        Assert.Equal(4, images.Count);
        Assert.All(images, png => Assert.Equal((96, 64), SizeOf(png)));
        var seeds = info.GetProperty("all_seeds").EnumerateArray().Select(s => s.GetInt64()).ToList();
        var seed = info.GetProperty("seed").GetInt64();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => seed + i), seeds);
        Assert.Equal(2, info.GetProperty("clip_skip").GetInt32());
        Assert.Equal(LiveTeam.Model, info.GetProperty("sd_model_name").GetString());
        Assert.Contains(info.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("restore_faces:", StringComparison.Ordinal));
        var infotext = info.GetProperty("infotexts")[2].GetString()!;
        Assert.Contains($"Seed: {seeds[2]}", infotext);
        Assert.Contains("Clip skip: 2", infotext);
        Assert.Contains($"Model hash: {sha256[..10]}", infotext);

        // The third image again, alone, from its returned seed: the same pixels.
        payload["seed"] = seeds[2];
        payload["batch_size"] = 1;
        payload["n_iter"] = 1;
        var (again, againInfo) = await Txt2ImgAsync(client, payload);
        Assert.Equal(seeds[2], againInfo.GetProperty("seed").GetInt64());
        Assert.Equal(Pixels(images[2]), Pixels(Assert.Single(again)));

        // samples_format jpg: the answer's images are JPEGs.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/sdapi/v1/options", new { samples_format = "jpg" })).StatusCode);
        var (jpegs, _) = await Txt2ImgAsync(client, new Dictionary<string, object?> { ["prompt"] = "maltese puppy", ["steps"] = 2, ["width"] = 64, ["height"] = 64 });
        Assert.Equal([0xFF, 0xD8], Assert.Single(jpegs)[..2]);
    }

    /// <summary>A key made as an administrator would without a browser: <c>SdWeb apikeys create</c>.</summary>
    private static async Task<string> CreateKeyAsync(string dataDir)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(["apikeys", "create", "--user", LiveTeam.Admin, "--label", "acceptance", $"--SdWeb:DataDir={dataDir}"],
            output, error, CancellationToken.None);
        Assert.True(exit == CliApp.Ok, error.ToString());
        return output.ToString().Trim();
    }

    private static async Task<(List<byte[]> Images, JsonElement Info)> Txt2ImgAsync(HttpClient client, object payload)
    {
        var response = await client.PostAsJsonAsync("/sdapi/v1/txt2img", payload);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        var answer = JsonDocument.Parse(body).RootElement;
        var images = answer.GetProperty("images").EnumerateArray().Select(i => Convert.FromBase64String(i.GetString()!)).ToList();
        return (images, JsonDocument.Parse(answer.GetProperty("info").GetString()!).RootElement.Clone());
    }

    private static (int, int) SizeOf(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        return (image.Width, image.Height);
    }

    private static byte[] Pixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
