using System.Net;
using System.Net.Http.Json;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.A1111;

/// <summary>
/// Bad AUTOMATIC1111 payloads: each gets a 4xx naming the field to fix, and the database and files are exactly as before
/// (a refused img2img leaves no uploaded source behind).
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class A1111BadInputTests(SdWebApp app)
{
    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EachBadPayloadIsRefusedNamingTheFieldAndChangesNothing(string name)
    {
        var (_, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "bad-" + name.Replace(' ', '-'));
        var client = ApiKeyClients.Bearer(app.NewClient(), key);
        var (path, payload, message) = Cases[name];
        var before = await AppSnapshot.TakeAsync(app);

        var response = await client.PostAsJsonAsync(path, payload);

        await HttpAnswer.AssertAsync(response, HttpStatusCode.UnprocessableEntity, message);
        Assert.Equal(before, await AppSnapshot.TakeAsync(app));
    }

    private static object Txt2Img(int width = 64, int height = 64, int nIter = 1, string sampler = "Euler a", string? scheduler = null) =>
        new { prompt = "a fox", steps = 2, width, height, n_iter = nIter, sampler_index = sampler, scheduler };

    private static object Img2Img(string initImage, string? mask = null) =>
        new { prompt = "a fox", steps = 2, width = 64, height = 64, init_images = new[] { initImage }, denoising_strength = 0.5, mask };

    private static readonly string Source = Convert.ToBase64String(CraftedFiles.Png(64, 64));

    /// <summary>A gray PNG mask of one value (255 repaints everything, 0 nothing).</summary>
    private static string Mask(int width, int height, byte value)
    {
        using var mask = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(width, height, new(value));
        using var png = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(mask, png);
        return Convert.ToBase64String(png.ToArray());
    }

    private static readonly Dictionary<string, (string Path, object Payload, string Message)> Cases = new()
    {
        ["not base64"] = ("/sdapi/v1/img2img", Img2Img("this is not base64!"), "init_images[0] is not base64"),
        ["base64 of a non-image"] = ("/sdapi/v1/img2img", Img2Img(Convert.ToBase64String("plain text, not a picture"u8.ToArray())), "is not an image SdWeb can read"),
        ["a huge declared image"] = ("/sdapi/v1/img2img", Img2Img(Convert.ToBase64String(CraftedFiles.PngDeclaring(40000, 40000))), "declares 40000x40000 pixels"),
        ["a mask that is not base64"] = ("/sdapi/v1/img2img", Img2Img(Source, mask: "not base64!"), "mask is not base64"),
        ["a mask that is not an image"] = ("/sdapi/v1/img2img", Img2Img(Source, mask: Convert.ToBase64String("no picture"u8.ToArray())), "The mask is not a readable image"),
        ["a mask of another size"] = ("/sdapi/v1/img2img", Img2Img(Source, mask: Mask(32, 32, 255)), "The mask is 32x32 but the init image is 64x64"),
        ["an empty mask"] = ("/sdapi/v1/img2img", Img2Img(Source, mask: Mask(64, 64, 0)), "The mask is empty"),
        ["a hires scale of 0"] = ("/sdapi/v1/txt2img", new { prompt = "a fox", steps = 2, width = 64, height = 64, enable_hr = true, hr_scale = 0 }, "Hires scale must be more than 1"),
        ["a hires scale of 16"] = ("/sdapi/v1/txt2img", new { prompt = "a fox", steps = 2, width = 64, height = 64, enable_hr = true, hr_scale = 16 }, "Hires scale must be more than 1 and at most 4, not 16"),
        ["an unknown hires upscaler"] = ("/sdapi/v1/txt2img", new { prompt = "a fox", enable_hr = true, hr_upscaler = "R-ESRGAN 4x+" }, "Unknown hires upscaler 'R-ESRGAN 4x+'"),
        ["a subseed strength of 2"] = ("/sdapi/v1/txt2img", new { prompt = "a fox", steps = 2, width = 64, height = 64, subseed = 3, subseed_strength = 2 }, "must be between 0 and 1, not 2"),
        ["an unknown sampler"] = ("/sdapi/v1/txt2img", Txt2Img(sampler: "Euler z"), "Unknown sampler 'Euler z'"),
        ["an unknown scheduler"] = ("/sdapi/v1/txt2img", Txt2Img(scheduler: "Exponential"), "Unknown scheduler 'Exponential'"),
        ["a negative width"] = ("/sdapi/v1/txt2img", Txt2Img(width: -64), "Width"),
        ["a huge n_iter"] = ("/sdapi/v1/txt2img", Txt2Img(nIter: 1_000_000_000), "per job"),
        ["an unknown style"] = ("/sdapi/v1/txt2img", new { prompt = "a fox", steps = 2, width = 64, height = 64, styles = new[] { "no such style" } },
            "Unknown style 'no such style'"),
        ["a script"] = ("/sdapi/v1/txt2img", new { prompt = "a fox", script_name = "x/y/z plot" }, "SdWeb has no scripts"),
        ["not JSON of a request"] = ("/sdapi/v1/txt2img", new[] { 1, 2 }, "not a valid request"),
    };
}
