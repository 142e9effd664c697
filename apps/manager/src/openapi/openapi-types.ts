import type { OpenAPIObject } from '@nestjs/swagger';

/*
 * The OpenAPI object types of @nestjs/swagger, reached through `OpenAPIObject` (the package
 * exports no deeper paths).
 */
type Components = NonNullable<OpenAPIObject['components']>;
type PathItem = OpenAPIObject['paths'][string];

export type OperationObject = NonNullable<PathItem['post']>;
export type SchemaObject = NonNullable<Components['schemas']>[string];
export type SecuritySchemeObject = NonNullable<Components['securitySchemes']>[string];
export type SecurityRequirementObject = NonNullable<OpenAPIObject['security']>[number];
export type ResponseObject = OperationObject['responses'][string];
export type ParameterObject = NonNullable<OperationObject['parameters']>[number];
export type TagObject = NonNullable<OpenAPIObject['tags']>[number];
