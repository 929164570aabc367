using System.Net;
using System.Text;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// Uploads for img2img: bytes capped, dimensions read from the header before decoding, non-images refused; each bad file
/// gets its clear message and leaves the database and the files as they were.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class UploadTests(SdWebApp app)
{
    private const string Uploader = "up-carol";

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EachBadUploadIsRefusedClearlyAndChangesNothing(string name)
    {
        var (client, token) = await UploaderAsync();
        var before = await AppSnapshot.TakeAsync(app);
        var (fileName, bytes, status, message, withToken) = Cases[name];

        await HttpAnswer.AssertAsync(await ImageUpload.PostAsync(client, withToken ? token : null, fileName, bytes()), status, message);

        Assert.Equal(before, await AppSnapshot.TakeAsync(app));
    }

    private sealed record Case(string FileName, Func<byte[]> Bytes, HttpStatusCode Status, string? Message, bool WithToken = true);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["text file upload"] = new("notes.png", () => Encoding.UTF8.GetBytes("just some text"), HttpStatusCode.BadRequest,
            "'notes.png' is not an image SdWeb can read; upload a PNG, JPEG, WebP, BMP or GIF."),
        ["html upload named png"] = new("x.png", () => Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"),
            HttpStatusCode.BadRequest, "'x.png' is not an image SdWeb can read"),
        ["empty upload"] = new("empty.png", () => [], HttpStatusCode.BadRequest, "'empty.png' is empty; choose an image file."),
        ["PNG declaring 100000x100000"] = new("bomb.png", () => CraftedFiles.PngDeclaring(100_000, 100_000), HttpStatusCode.BadRequest,
            "'bomb.png' declares 100000x100000 pixels; at most 4096 on a side"),
        ["PNG declaring 5000 wide"] = new("wide.png", () => CraftedFiles.PngDeclaring(5000, 8), HttpStatusCode.BadRequest,
            "'wide.png' declares 5000x8 pixels"),
        ["truncated PNG"] = new("cut.png", () => CraftedFiles.Png(64, 64)[..4000], HttpStatusCode.BadRequest,
            "'cut.png' is not a readable image"),
        ["PNG with a garbled body"] = new("garbled.png", () => Garble(CraftedFiles.Png(64, 64)), HttpStatusCode.BadRequest,
            "'garbled.png' is not a readable image"),
        ["upload over the byte limit"] = new("big.png", () => new byte[(int)new SdWebOptions().MaxUploadBytes + 1],
            HttpStatusCode.RequestEntityTooLarge, "'big.png' is larger than the upload limit of 20 MB; upload a smaller image."),
        ["upload without antiforgery token"] = new("a.png", () => CraftedFiles.Png(64, 64), HttpStatusCode.BadRequest, null, WithToken: false),
    };

    private static readonly SemaphoreSlim Gate = new(1);
    private static (SdWebApp App, HttpClient Client, string Token)? _uploader;

    /// <summary>One signed-in member and their antiforgery token per app (the collection shares the app).</summary>
    private async Task<(HttpClient Client, string Token)> UploaderAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_uploader?.App != app)
            {
                var client = await app.MemberAsync(Uploader);
                _uploader = (app, client, await SdWebApp.AntiforgeryTokenAsync(client, "/Account/Login"));
            }
            return (_uploader.Value.Client, _uploader.Value.Token);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The PNG with its image data overwritten from the middle on (chunk CRCs no longer match).</summary>
    private static byte[] Garble(byte[] png)
    {
        var garbled = png.ToArray();
        for (var i = garbled.Length / 2; i < garbled.Length - 12; i++) garbled[i] = (byte)(i * 31);
        return garbled;
    }
}
