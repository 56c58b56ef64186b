// PostgreSQL Flexible Server with the d3chat database. The apps connect with password auth over
// TLS; the connection string lives only in Key Vault.
param name string
param location string
param tags object = {}

param administratorLogin string

@secure()
param administratorPassword string

param databaseName string = 'd3chat'
param version string = '16'

@description('Compute SKU, e.g. Standard_B1ms (Burstable), Standard_D2ds_v5 (GeneralPurpose).')
param skuName string = 'Standard_B1ms'

@description('Burstable, GeneralPurpose or MemoryOptimized; must match skuName.')
param skuTier string = 'Burstable'

param storageSizeGB int = 32
param backupRetentionDays int = 7

@description('ZoneRedundant or SameZone for a standby replica; Disabled for small deployments.')
param highAvailabilityMode string = 'Disabled'

@description('Npgsql pool size per app instance. Many Flex instances x pool must stay under max_connections (about 50 on B1ms).')
param maxPoolSize int = 10

param keyVaultName string
param connectionSecretName string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: highAvailabilityMode
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Flex Consumption apps without VNet integration have no fixed outbound addresses, so the server
// admits Azure-internal traffic (0.0.0.0 rule). Hardening: VNet integration + private endpoint.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: connectionSecretName
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};Username=${administratorLogin};Password=${administratorPassword};SslMode=Require;Maximum Pool Size=${maxPoolSize}'
    contentType: 'text/plain'
  }
}

output NAME string = server.name
output FQDN string = server.properties.fullyQualifiedDomainName
output DATABASE_NAME string = database.name
output CONNECTION_REF_URI string = connectionSecret.properties.secretUri
