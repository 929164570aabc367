using Microsoft.Extensions.Options;

namespace SdWeb.Options;

public static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="SdWebOptions"/> and checks it when the host starts (a bad value stops the start with a message
    /// naming its key); the record itself is also injectable for code that needs no reload.
    /// </summary>
    public static IServiceCollection AddSdWebOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SdWebOptions>().Bind(configuration.GetSection(SdWebOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SdWebOptions>, SdWebOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SdWebOptions>>().Value);
        return services;
    }
}
