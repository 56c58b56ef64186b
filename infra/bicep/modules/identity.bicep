@description('Name of the user-assigned managed identity shared by the three function apps.')
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output ID string = identity.id
output NAME string = identity.name
output CLIENT_ID string = identity.properties.clientId
output PRINCIPAL_ID string = identity.properties.principalId
