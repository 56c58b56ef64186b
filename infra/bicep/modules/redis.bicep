// Azure Managed Redis (Microsoft.Cache/redisEnterprise). Azure Cache for Redis is being retired,
// so it is not used. Redis holds only degradable state (rate limits, dedup, presence, caches).
param name string
param location string
param tags object = {}

@description('Azure Managed Redis SKU, e.g. Balanced_B0, Balanced_B1, Balanced_B5, MemoryOptimized_M10.')
param skuName string = 'Balanced_B0'

@description('Enabled keeps a replica (SLA); Disabled halves the cost for small deployments.')
param highAvailability string = 'Enabled'

param keyVaultName string
param connectionSecretName string

resource cluster 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: highAvailability
    publicNetworkAccess: 'Enabled'
  }
}

// EnterpriseCluster exposes a single endpoint, so StackExchange.Redis needs no cluster awareness.
// Why Redis keeps an access key (the one key left; docs/deploy.md, "Keyless"): Azure Managed Redis
// accepts Entra tokens, but a token is only a password that expires, so every open connection
// must re-AUTH before expiry. The library that does this for StackExchange.Redis
// (Microsoft.Azure.StackExchangeRedis) is not among our permitted packages, and a home-made
// re-AUTH loop on a multiplexer is the kind of code that fails silently. Redis holds only
// degradable state (rate limits, dedup, presence, caches), the key lives only in Key Vault and is
// read by the apps' identities; rotation is in docs/deploy.md.
resource database 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'VolatileLRU'
    accessKeysAuthentication: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: connectionSecretName
  properties: {
    value: '${cluster.properties.hostName}:${database.properties.port},password=${database.listKeys().primaryKey},ssl=True,abortConnect=False'
    contentType: 'text/plain'
  }
}

output NAME string = cluster.name
output HOST_NAME string = cluster.properties.hostName
output CONNECTION_REF_URI string = connectionSecret.properties.secretUri
