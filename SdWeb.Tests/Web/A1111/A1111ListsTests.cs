using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.A1111;

/// <summary>AUTOMATIC1111's lists and <c>png-info</c> on the real app, in A1111's shapes.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public sealed class A1111ListsTests(SdWebApp app)
{
    [Fact]
    public async Task EveryListAnswersInA1111sShape()
    {
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "lists-reader");
        var client = ApiKeyClients.Bearer(app.NewClient(), key);

        foreach (var list in new[] { "sd-models", "sd-vae", "loras", "hypernetworks", "face-restorers", "realesrgan-models", "prompt-styles" })
            Assert.Equal(JsonValueKind.Array, (await client.GetFromJsonAsync<JsonElement>($"/sdapi/v1/{list}")).ValueKind);
        var embeddings = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/embeddings");
        Assert.Equal(JsonValueKind.Object, embeddings.GetProperty("loaded").ValueKind);
        Assert.Equal(JsonValueKind.Object, embeddings.GetProperty("skipped").ValueKind);
        var upscalers = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/upscalers");
        Assert.Equal(["None", "Lanczos"], upscalers.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
        var latent = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/latent-upscale-modes");
        Assert.Contains(latent.EnumerateArray(), m => m.GetProperty("name").GetString() == "Latent");
        var scripts = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/scripts");
        Assert.Equal(0, scripts.GetProperty("txt2img").GetArrayLength());
        var memory = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/memory");
        Assert.True(memory.GetProperty("ram").GetProperty("total").GetInt64() > 0);
        Assert.True(memory.GetProperty("ram").GetProperty("used").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/sdapi/v1/refresh-checkpoints", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/sdapi/v1/refresh-loras", null)).StatusCode);
    }

    [Fact]
    public async Task EmbeddingsListTheirShapeAndVectorsFromTheFileHeader()
    {
        // The golden embedding is documented as emb_params [2, 32]: two vectors of the tiny text encoder's width.
        var folder = Directory.CreateDirectory(Path.Combine(app.Dir["models"], "embeddings")).FullName;
        File.Copy(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), Path.Combine(folder, "tiny-style.safetensors"), overwrite: true);
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "embeddings-reader");
        var client = ApiKeyClients.Bearer(app.NewClient(), key);

        var embedding = (await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/embeddings")).GetProperty("loaded").GetProperty("tiny-style");

        Assert.Equal(32, embedding.GetProperty("shape").GetInt32());
        Assert.Equal(2, embedding.GetProperty("vectors").GetInt32());
    }

    [Fact]
    public async Task SdVaeListsTheVaeFolderAndTheOptionTakesItsNames()
    {
        var folder = Directory.CreateDirectory(Path.Combine(app.Dir["models"], "VAE")).FullName;
        File.Copy(Golden.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors"), Path.Combine(folder, "tiny-vae.safetensors"), overwrite: true);
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "vae-chooser");
        var client = ApiKeyClients.Bearer(app.NewClient(), key);

        var vaes = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-vae");
        Assert.Contains(vaes.EnumerateArray(), v => v.GetProperty("model_name").GetString() == "tiny-vae.safetensors"
                                                   && v.GetProperty("filename").GetString() == Path.Combine(folder, "tiny-vae.safetensors"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/sdapi/v1/options", new Dictionary<string, string> { ["sd_vae"] = "tiny-vae.safetensors" })).StatusCode);
        Assert.Equal("tiny-vae.safetensors", (await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options")).GetProperty("sd_vae").GetString());
    }

    [Fact]
    public async Task PngInfoReadsTheA1111InfotextOfAnUploadedPng()
    {
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "pnginfo-reader");
        var client = ApiKeyClients.Bearer(app.NewClient(), key);
        const string infotext = "a red fox, snow\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 64x48, Model: tiny-sd";
        using var image = new Image<Rgb24>(8, 8);
        var png = image.Metadata.GetPngMetadata();
        png.TextData.Add(new PngTextData("parameters", infotext, "", ""));
        png.TextData.Add(new PngTextData("Comment", "made by hand", "", ""));
        using var file = new MemoryStream();
        image.SaveAsPng(file);

        var answer = await (await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = "data:image/png;base64," + Convert.ToBase64String(file.ToArray()) }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(infotext, answer.GetProperty("info").GetString());
        Assert.Equal("made by hand", answer.GetProperty("items").GetProperty("Comment").GetString());
        var parameters = answer.GetProperty("parameters");
        Assert.Equal("a red fox, snow", parameters.GetProperty("Prompt").GetString());
        Assert.Equal("blurry", parameters.GetProperty("Negative prompt").GetString());
        Assert.Equal("Euler a", parameters.GetProperty("Sampler").GetString());
        Assert.Equal("1234", parameters.GetProperty("Seed").GetString());
        Assert.Equal("64", parameters.GetProperty("Size-1").GetString());
        Assert.Equal("48", parameters.GetProperty("Size-2").GetString());
    }

    [Fact]
    public async Task PngInfoOfSomethingThatIsNotABase64ImageIsRefusedNamingTheField()
    {
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "pnginfo-bad");
        var client = ApiKeyClients.Bearer(app.NewClient(), key);

        await HttpAnswer.AssertAsync(await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = "not base64!" }),
            HttpStatusCode.UnprocessableEntity, "image is not base64");
        await HttpAnswer.AssertAsync(await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = Convert.ToBase64String("hello"u8.ToArray()) }),
            HttpStatusCode.UnprocessableEntity, "not an image");
    }
}
