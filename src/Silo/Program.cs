// Placeholder entry point so the solution builds (the Web SDK makes this an
// executable); the silo's hosting and configuration land with the registry
// integration, which replaces this file.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
