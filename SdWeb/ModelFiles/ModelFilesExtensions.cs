namespace SdWeb.ModelFiles;

public static class ModelFilesExtensions
{
    /// <summary>The Models page's services: the inventory, downloads (one manager for the server) and deletion.</summary>
    public static IServiceCollection AddSdWebModelFiles(this IServiceCollection services)
    {
        services.AddSingleton<ModelFolders>();
        services.AddSingleton<ModelInventory>();
        services.AddSingleton<ModelDownloads>();
        services.AddSingleton<ModelFileRemoval>();
        services.AddSingleton<ModelUsage>();
        return services;
    }
}
