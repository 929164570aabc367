using SdWeb.Api;
using SdWeb.Api.A1111;
using SdWeb.Auth;
using SdWeb.Cli;
using SdWeb.Components;
using SdWeb.Data;
using SdWeb.Gallery;
using SdWeb.Generation;
using SdWeb.Hubs;
using SdWeb.ModelFiles;
using SdWeb.Options;
using SdWeb.Scaling;
using SdWeb.Storage;

if (args is [WorkerHost.Verb, .. var workerArgs]) return await WorkerHost.RunAsync(workerArgs);
if (CliApp.IsCommandLine(args)) return await CliApp.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
// Serve Blazor's and MudBlazor's assets from a build output in every environment (`dotnet run`, tests), not only Development.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddSdWebOptions(builder.Configuration);
builder.Services.AddSdWebData(builder.Configuration);
builder.Services.AddSdWebAuth();
builder.Services.AddSdWebStorage();
builder.Services.AddSdWebGeneration(builder.Configuration);
builder.Services.AddSdWebHubs();
builder.Services.AddSdWebGallery();
builder.Services.AddSdWebModelFiles();
builder.Services.AddSdWebComponents();
builder.Services.AddSdWebA1111Api();
builder.Services.AddSdWebApiDocs();
builder.Services.AddSdWebRedis(builder.Configuration);

var app = builder.Build();
await app.InitializeSdWebDataAsync();
await app.SweepSdWebStorageAsync();

if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapSdWebComponents();
app.MapSdWebAccount();
app.MapSdWebImageApi();
app.MapSdWebJobApi();
app.MapSdWebA1111Api();
app.MapSdWebApiDocs();
app.MapSdWebHubs();

await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration tests can start the app in-process.</summary>
public partial class Program;
