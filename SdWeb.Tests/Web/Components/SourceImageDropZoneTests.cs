using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Components.Generate;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Gallery;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;

namespace SdWeb.Tests.Web.Components;

[Layer(Layer.Web)]
public sealed class SourceImageDropZoneTests : MudComponentTest
{
    private ImageStoreBed _bed = default!;
    private Guid? _chosen;
    private int _changes;

    public override async Task InitializeAsync()
    {
        _bed = await ImageStoreBed.CreateAsync();
        Services.AddSingleton(_bed.Store);
        Services.AddSingleton(new ImageDetails(_bed.Database));
        Services.AddSingleton(new SdWebOptions());
        Services.AddSingleton(GenerationLimits.Default);
        AddAuthorization().SetAuthorized("alice").SetClaims(new Claim(ClaimTypes.NameIdentifier, "alice"));
    }

    protected override Task DisposeTestAsync()
    {
        _bed.Dispose();
        return Task.CompletedTask;
    }

    private IRenderedComponent<SourceImageDropZone> RenderZone(Guid? value = null) => Render<SourceImageDropZone>(p => p
        .Add(c => c.Value, value)
        .Add(c => c.ValueChanged, id => (_chosen, _changes) = (id, _changes + 1)));

    [Fact]
    public async Task AnUploadedImageIsStoredAndShownWithItsNameAndPixelSize()
    {
        var zone = RenderZone();
        using var png = new MemoryStream();
        await ImageStoreBed.Pattern(5).SaveAsPngAsync(png); // 64×48

        zone.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(png.ToArray(), "harbour.png", contentType: "image/png"));

        zone.WaitForAssertion(() => Assert.Equal("64 × 48 px", zone.Find("#source-size").TextContent.Trim()));
        var row = Assert.Single(await _bed.RowsAsync());
        Assert.Equal((64, 48, "alice"), (row.Width, row.Height, row.UserId));
        Assert.Equal(row.Id, _chosen);
        Assert.Equal("harbour.png", zone.Find("#source-name").TextContent.Trim());
        Assert.Equal($"api/images/{row.Id}/thumb", zone.Find("img.source-thumb").GetAttribute("src"));
        Assert.Empty(zone.FindAll(".source-drop-paper"));
    }

    [Fact]
    public async Task AFileThatIsNotAnImageIsRefusedWithAClearMessageAndNothingIsStored()
    {
        var zone = RenderZone();

        zone.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("not a picture", "notes.txt", contentType: "image/png"));

        zone.WaitForAssertion(() => Assert.Contains("'notes.txt' is not an image SdWeb can read", zone.Find("#source-error").TextContent));
        Assert.Empty(await _bed.RowsAsync());
        Assert.Equal(0, _changes);
        Assert.Single(zone.FindAll(".source-drop-paper"));
    }

    [Fact]
    public async Task AGalleryImageShowsItsPromptAndSizeAndRemoveGoesBackToTextToImage()
    {
        var image = await _bed.AddImageAsync("a quiet harbour", 3);
        var zone = RenderZone(image.Id);

        Assert.Equal("Gallery image: a quiet harbour", zone.Find("#source-name").TextContent.Trim());
        Assert.Equal("64 × 48 px", zone.Find("#source-size").TextContent.Trim());

        zone.Find("#source-remove").Click();

        Assert.Equal(1, _changes);
        Assert.Null(_chosen);
        Assert.Single(zone.FindAll(".source-drop-paper"));
    }
}
