using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Tests.Web.Hardening;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.A1111;

/// <summary><c>GET/POST /sdapi/v1/options</c> on the real app: per user, kept in the database, checked before anything is stored.</summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public sealed class A1111OptionsTests(SdWebApp app)
{
    [Fact]
    public async Task OptionsStartAtA1111sDefaultsAndWhatAUserWritesIsKeptInTheDatabaseForThatUserOnly()
    {
        var (userId, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "options-writer");
        var (_, otherKey) = await ApiKeyClients.UserWithKeyAsync(app.Services, "options-other");
        var client = ApiKeyClients.Bearer(app.NewClient(), key);

        var defaults = await client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.Equal(1, defaults.GetProperty("CLIP_stop_at_last_layers").GetInt32());
        Assert.Equal("Automatic", defaults.GetProperty("sd_vae").GetString());
        Assert.True(defaults.GetProperty("send_seed").GetBoolean());
        Assert.Equal("png", defaults.GetProperty("samples_format").GetString());

        var written = await client.PostAsJsonAsync("/sdapi/v1/options", new Dictionary<string, object>
        {
            ["CLIP_stop_at_last_layers"] = 2,
            ["send_seed"] = false,
            ["samples_format"] = "webp",
            ["sd_vae"] = "None",
            ["my_extension_setting"] = new { nested = new[] { 1, 2 } },
        });
        Assert.Equal(HttpStatusCode.OK, written.StatusCode);

        var read = await ApiKeyClients.Bearer(app.NewClient(), key).GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.Equal(2, read.GetProperty("CLIP_stop_at_last_layers").GetInt32());
        Assert.False(read.GetProperty("send_seed").GetBoolean());
        Assert.Equal("webp", read.GetProperty("samples_format").GetString());
        Assert.Equal("None", read.GetProperty("sd_vae").GetString());
        Assert.Equal(2, read.GetProperty("my_extension_setting").GetProperty("nested")[1].GetInt32());

        using (var scope = app.Services.CreateScope())
        {
            var rows = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ApiOptions.Where(o => o.UserId == userId).ToListAsync();
            Assert.Equal(["CLIP_stop_at_last_layers", "my_extension_setting", "samples_format", "sd_vae", "send_seed"], rows.Select(r => r.Key).Order());
        }
        var others = await ApiKeyClients.Bearer(app.NewClient(), otherKey).GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.Equal(1, others.GetProperty("CLIP_stop_at_last_layers").GetInt32());
        Assert.False(others.TryGetProperty("my_extension_setting", out _));
    }

    public static TheoryData<string, string, string> BadOptions() => new()
    {
        { """{"CLIP_stop_at_last_layers": 99, "kept_if_accepted": 1}""", "CLIP_stop_at_last_layers", "from 1 (the last layer) to 12" },
        { """{"CLIP_stop_at_last_layers": "two"}""", "CLIP_stop_at_last_layers", "whole number" },
        { """{"sd_vae": "vae-ft-mse-840000.safetensors"}""", "sd_vae", "Unknown VAE 'vae-ft-mse-840000.safetensors'. Available: Automatic, None" },
        { """{"samples_format": "tiff"}""", "samples_format", "png, jpg, jpeg, webp" },
        { """{"send_seed": "yes"}""", "send_seed", "true or false" },
        { """{"sd_model_checkpoint": "no-such-model [0123456789]"}""", "sd_model_checkpoint", "Unknown model 'no-such-model [0123456789]'" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task AnOptionSdWebCannotHonourIsRefusedNamingItAndNothingOfTheRequestIsStored(string body, string field, string message)
    {
        var (userId, key) = await ApiKeyClients.UserWithKeyAsync(app.Services, "options-bad-" + Guid.NewGuid().ToString("N")[..8]);
        var client = ApiKeyClients.Bearer(app.NewClient(), key);

        var response = await client.PostAsync("/sdapi/v1/options", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await HttpAnswer.AssertAsync(response, HttpStatusCode.UnprocessableEntity, message);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        using var scope = app.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().ApiOptions.CountAsync(o => o.UserId == userId));
    }
}
