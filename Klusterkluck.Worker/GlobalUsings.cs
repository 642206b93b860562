global using Klusterkluck.Worker;
global using Klusterkluck.Worker.Auth;
global using Klusterkluck.Worker.Hosting;
