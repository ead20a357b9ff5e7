using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace PrivacyNode.EndToEnd.Tests.WebConsole;

/// <summary>
/// Two paired agencies for the browser tests, and Debian's chromium driven by Playwright. The bureau holds claims and a grant
/// the insurer's analyst has used once (so its log has receipts); a second request of the insurer's waits for an answer.
/// </summary>
public sealed class ConsoleBrowserFixture : IAsyncLifetime
{
    /// <summary>Where the browser is; Debian's package puts it here (<c>apt-get install chromium</c>).</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("PRIVACYNODE_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    internal CliNodes Nodes { get; } = new();

    internal CliNodes.Handle Insurer { get; private set; } = null!;

    internal CliNodes.Handle Bureau { get; private set; } = null!;

    internal CliNodes.Handle Analyst { get; private set; } = null!;

    internal CliNodes.Handle BureauAuditor { get; private set; } = null!;

    internal CliNodes.Handle InsurerAuditor { get; private set; } = null!;

    public string Grant { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots of the main views are saved, under the test output.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "console-screenshots")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The console's browser tests drive chromium at {ChromiumPath}: install Debian's 'chromium' and 'fonts-wqy-microhei' (.ci/run does), or set PRIVACYNODE_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });

        (Insurer, Bureau, Analyst) = await Nodes.PairedAsync();
        BureauAuditor = await CliNodes.AddUserAsync(Bureau, "zhou.min", "auditor");
        InsurerAuditor = await CliNodes.AddUserAsync(Insurer, "sun.li", "auditor");
        var claims = new StringBuilder("id_number,amount\n");
        var claimants = new StringBuilder("name,id_number\n");
        for (var i = 0; i < 60; i++)
        {
            claims.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{1000 + i}\n");
            claimants.Append(CultureInfo.InvariantCulture, $"person {i + 30},{ControlPlaneTests.ResidentId(i + 30)}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(Nodes.Root, "claims.csv"), claims.ToString());
        await File.WriteAllTextAsync(Path.Combine(Nodes.Root, "claimants.csv"), claimants.ToString());
        await CliNodes.CliOkAsync(Bureau, "dataset", "add", "claims", "--csv", Path.Combine(Nodes.Root, "claims.csv"), "--grade", "L2", "--sharing", "conditional",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Medical Insurance Bureau", "--responsible", "Wang Fang");
        await CliNodes.CliOkAsync(Insurer, "dataset", "add", "claimants", "--csv", Path.Combine(Nodes.Root, "claimants.csv"), "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");
        Grant = await CliNodes.GrantAsync(Analyst, Bureau, "claims", "id_number,amount", "psi,psi-count", "membership,count", "claims-fraud-check", 10, "--reason", "Fraud review agreed");
        await CliNodes.RunJobAsync(Analyst, "--kind", "psi-count", "--grant", Grant, "--columns", "id_number", "--input", "claimants:id_number");
        // A second request, left for the admin to answer in the console.
        await CliNodes.CliOkAsync(Analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number,amount",
            "--kinds", "psi", "--outputs", "membership", "--purpose", "Fraud review 2026", "--purpose-code", "claims-audit-2027", "--to", "2099-12-31", "--responsible", "Zhao Lei");
    }

    /// <summary>A new browser window (own cookies) signed in to <paramref name="node"/>'s console as the holder of <paramref name="user"/>'s token.</summary>
    internal async Task<IPage> SignInAsync(CliNodes.Handle node, CliNodes.Handle user)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(ConsoleClient.AddressOf(node) + "signin");
        await page.FillAsync("#token", user.Token);
        await page.ClickAsync("form[action='/signin'] button[type=submit]");
        await page.WaitForLoadStateAsync();
        return page;
    }

    /// <summary>Saves the whole page as <c>name.png</c> under <see cref="Screenshots"/>.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Nodes.StopAllAsync();
    }
}
