namespace SdWeb.Storage;

public static class StorageExtensions
{
    public static IServiceCollection AddSdWebStorage(this IServiceCollection services)
    {
        services.AddSingleton<ImagePaths>();
        services.AddSingleton<ImageFileWriter>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<IImageSaver>(sp => sp.GetRequiredService<ImageStore>());
        services.AddSingleton<StorageSweep>();
        return services;
    }

    /// <summary>Before the worker starts: clear unfinished writes, report orphans.</summary>
    public static async Task SweepSdWebStorageAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<StorageSweep>().RunAsync();
}
