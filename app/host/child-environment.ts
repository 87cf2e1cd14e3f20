/** The environment for processes the host starts: ours, minus any secret we were given. */
export function childEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LITBOX_PASSPHRASE;
  return env;
}
