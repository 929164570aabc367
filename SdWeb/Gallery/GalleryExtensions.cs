namespace SdWeb.Gallery;

public static class GalleryExtensions
{
    public static IServiceCollection AddSdWebGallery(this IServiceCollection services)
    {
        services.AddSingleton<GallerySearch>();
        services.AddSingleton<ImageDetails>();
        return services;
    }
}
