using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Gallery;
using SdWeb.Storage;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation.Plots;

/// <summary>
/// Issue 11's acceptance: an X/Y plot of 2×3 cells through the real app, its worker and the tiny model makes six images,
/// each reproducing alone pixel-identically, and the labelled grid holds exactly those pixels.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public sealed class XyzPlotJobTests
{
    [Fact]
    public async Task AnXyPlotOfTwoByThreeCellsMakesSixImagesEachReproducingAlonePixelIdentically()
    {
        await using var app = new EngineHostApp();
        var client = await app.AdminAsync();
        var plot = new
        {
            x = new { kind = "Seed", values = "3, 4" },
            y = new { kind = "Sampler", values = "Euler a, DDIM, DPM++ 2M" },
        };

        var jobId = await RunAsync(client, new { prompt = "a red fox", steps = 2, width = 64, height = 64, seed = 3, model = LiveTeam.Model, plot });

        var cells = await ImagesOfAsync(app, jobId);
        Assert.Equal([0, 1, 2, 3, 4, 5], cells.Select(c => c.PlotCell!.Value));
        Assert.Equal([3L, 4, 3, 4, 3, 4], cells.Select(c => c.Seed));
        Assert.Equal(["euler_a", "euler_a", "ddim", "ddim", "dpmpp_2m", "dpmpp_2m"], cells.Select(c => c.Sampler));
        Assert.All(cells, c => Assert.Equal(("a red fox", 2, 64, 64), (c.Prompt, c.Steps, c.Width, c.Height)));

        foreach (var cell in cells)
        {
            var again = await RunAsync(client, ReproduceRequest.For(cell));
            var copy = Assert.Single(await ImagesOfAsync(app, again));
            Assert.Equal(cell.PixelHash, copy.PixelHash);
            Assert.Null(copy.PlotCell);
        }

        // The grid: labels above and left, then each cell's own pixels in its column (seed) and row (sampler).
        var response = await client.GetAsync($"/api/jobs/{jobId}/grid");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var grid = Image.Load<Rgb24>(await response.Content.ReadAsByteArrayAsync());
        var (left, top) = (grid.Width - 2 * 64, grid.Height - 3 * 64);
        var paths = app.Services.GetRequiredService<ImagePaths>();
        foreach (var cell in cells)
        {
            using var image = Image.Load<Rgb24>(paths.Full(cell.FilePath));
            var (x, y) = (cell.PlotCell!.Value % 2, cell.PlotCell!.Value / 2);
            for (var py = 0; py < 64; py++)
                for (var px = 0; px < 64; px++)
                    Assert.Equal(image[px, py], grid[left + x * 64 + px, top + y * 64 + py]);
        }
    }

    private static async Task<List<ImageRecord>> ImagesOfAsync(EngineHostApp app, Guid jobId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Images.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.PlotCell).ToListAsync();
    }

    /// <summary>Submits through the JSON API (it must be accepted) and waits until the job has succeeded.</summary>
    private static async Task<Guid> RunAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/jobs", request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var state = await LiveTeam.ReadAsync(client, id);
            if (state.Finished)
            {
                Assert.True(state.Status == "Succeeded", state.Error);
                return id;
            }
            Assert.True(DateTime.UtcNow < deadline, $"job {id} still {state.Status} after 5 minutes");
            await Task.Delay(50);
        }
    }
}
