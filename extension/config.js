// Where the Litbox app's wallet provider listens (`litbox up --provider-port`, shown in Settings).
// 31338 is what a new Litbox data directory takes first; change it here if yours differs.
export const PROVIDER_PORT = 31338;
