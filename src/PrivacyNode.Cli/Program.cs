return await PrivacyNode.Cli.CliProgram.RunAsync(args, new PrivacyNode.Cli.CliEnvironment(), CancellationToken.None);
