using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SdWeb.Tests.Imaging;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.A1111;

/// <summary>AUTOMATIC1111's <c>POST /sdapi/v1/png-info</c> with AUTOMATIC1111, ComfyUI and InvokeAI PNGs, and bad input.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class A1111PngInfoTests(SdWebApp app)
{
    [Fact]
    public async Task ComfyUiPngAnswersAnInfotextItsChunksAndParsedParameters()
    {
        var client = await ClientAsync("pnginfo-comfy");
        var png = ForeignPngMetadata.Png(("prompt", ForeignPngMetadata.ComfyDefaultGraph), ("workflow", ForeignPngMetadata.ComfyWorkflow));

        var answer = await PostAsync(client, Convert.ToBase64String(png));

        Assert.Equal(
            "beautiful scenery nature glass bottle landscape, purple galaxy bottle,\nNegative prompt: text, watermark\n" +
            "Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 8, Seed: 156680208700286, Size: 512x768, Model: v1-5-pruned-emaonly",
            answer.GetProperty("info").GetString());
        Assert.Equal(ForeignPngMetadata.ComfyWorkflow, answer.GetProperty("items").GetProperty("workflow").GetString());
        var parameters = answer.GetProperty("parameters");
        Assert.Equal("text, watermark", parameters.GetProperty("Negative prompt").GetString());
        Assert.Equal("20", parameters.GetProperty("Steps").GetString()); // strings, as parse_generation_parameters gives them
        Assert.Equal(("512", "768"), (parameters.GetProperty("Size-1").GetString(), parameters.GetProperty("Size-2").GetString()));
    }

    [Fact]
    public async Task A1111PngAnswersItsOwnParametersText()
    {
        var client = await ClientAsync("pnginfo-a1111");
        const string text = "a fox\nNegative prompt: blurry\nSteps: 9, Sampler: Euler a, CFG scale: 5, Seed: 3, Size: 64x48, Tiling: True";

        var answer = await PostAsync(client, "data:image/png;base64," + Convert.ToBase64String(ForeignPngMetadata.Png(("parameters", text))));

        Assert.Equal(text, answer.GetProperty("info").GetString());
        Assert.Equal("True", answer.GetProperty("parameters").GetProperty("Tiling").GetString());
        Assert.Equal("3", answer.GetProperty("parameters").GetProperty("Seed").GetString());
    }

    [Theory]
    [InlineData("not base64!", "is not base64")]
    [InlineData("aGVsbG8gd29ybGQ=", "not a PNG")]
    [InlineData("", "Send {")]
    public async Task BadImageIsRefusedNamingTheField(string image, string message)
    {
        var client = await ClientAsync("pnginfo-bad-" + message.Length);

        var response = await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image });

        await HttpAnswer.AssertAsync(response, HttpStatusCode.UnprocessableEntity, message);
    }

    private async Task<HttpClient> ClientAsync(string user)
    {
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, user);
        return ApiKeyClients.Bearer(app.NewClient(), key);
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string image)
    {
        var response = await client.PostAsJsonAsync("/sdapi/v1/png-info", new { image });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
