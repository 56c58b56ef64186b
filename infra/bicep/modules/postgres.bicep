// PostgreSQL Flexible Server with the d3chat database, Microsoft Entra authentication only (no
// password exists). Each function app connects as its own managed identity with tokens from
// Azure.Identity (Postgres__Credential=managedidentity); the roles are created by the deployment
// script below, which runs as the server's Entra administrator, a dedicated identity.
param name string
param location string
param tags object = {}

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

@description('Built-in PgBouncer on port 6432 (transaction pooling). General Purpose and Memory Optimized tiers only.')
param pgBouncerEnabled bool = false

@description('PgBouncer server connections per user/database pair (each app is one user).')
param pgBouncerDefaultPoolSize int = 50

@description('Name of the user-assigned identity that becomes the Entra administrator and runs the role script.')
param adminIdentityName string

@description('Object (principal) id of that identity. ARM names an Entra administrator by its object id, which exists only once the identity does, so what-if cannot know this one name in advance.')
param adminIdentityPrincipalId string

@description('One database role per app identity: [{ name: identity name = role name, principalId: its object id }].')
param appRoles array

resource adminIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: adminIdentityName
}

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
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
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

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: adminIdentityPrincipalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: adminIdentity.name
    tenantId: tenant().tenantId
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

// Server parameters are applied one at a time (the service rejects concurrent updates).
resource pgBouncer 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (pgBouncerEnabled) {
  parent: server
  name: 'pgbouncer.enabled'
  properties: {
    value: 'true'
    source: 'user-override'
  }
}

resource pgBouncerPoolSize 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (pgBouncerEnabled) {
  parent: server
  name: 'pgbouncer.default_pool_size'
  dependsOn: [
    pgBouncer
  ]
  properties: {
    value: string(pgBouncerDefaultPoolSize)
    source: 'user-override'
  }
}

// Flex Consumption apps without VNet integration have no fixed outbound addresses, so the server
// admits Azure-internal traffic (0.0.0.0 rule), which includes the deployment script's container.
// Hardening: VNet integration + private endpoint.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// Creates (idempotently) the role of each app identity and the schema owner role
// (scripts/create-database-roles.sh). Re-runs whenever an identity or the database changes.
resource databaseRoles 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'create-database-roles-${name}'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${adminIdentity.id}': {}
    }
  }
  dependsOn: [
    administrator
    database
    allowAzure
  ]
  properties: {
    azCliVersion: '2.77.0'
    timeout: 'PT15M'
    retentionInterval: 'PT1H'
    cleanupPreference: 'OnSuccess'
    environmentVariables: [
      {
        name: 'PGHOST'
        value: server.properties.fullyQualifiedDomainName
      }
      {
        name: 'PGDATABASE'
        value: databaseName
      }
      {
        name: 'ADMIN_NAME'
        value: adminIdentity.name
      }
      {
        name: 'ADMIN_CLIENT_ID'
        value: adminIdentity.properties.clientId
      }
      {
        name: 'APP_ROLES'
        value: join(map(appRoles, role => '${role.name}:${role.principalId}'), ' ')
      }
    ]
    scriptContent: loadTextContent('../scripts/create-database-roles.sh')
  }
}

output NAME string = server.name
output FQDN string = server.properties.fullyQualifiedDomainName
output DATABASE_NAME string = database.name
@description('Port the apps connect to: PgBouncer (6432) when enabled, else PostgreSQL (5432).')
output PORT int = pgBouncerEnabled ? 6432 : 5432
