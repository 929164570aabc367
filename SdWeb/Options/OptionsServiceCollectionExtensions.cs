using Microsoft.Extensions.Options;

namespace SdWeb.Options;

public static class OptionsServiceCollectionExtensions
{
    /// <summary>Binds <see cref="SdWebOptions"/>; the record itself is also injectable for code that needs no reload.</summary>
    public static IServiceCollection AddSdWebOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SdWebOptions>(configuration.GetSection(SdWebOptions.Section));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SdWebOptions>>().Value);
        return services;
    }
}
