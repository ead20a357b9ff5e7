return await PrivacyNode.Node.Hosting.NodeProgram.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
