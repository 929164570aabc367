using SdWeb.Cli;

if (CliApp.IsVerb(args)) return await CliApp.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "SdWeb");
await app.RunAsync();
return 0;
