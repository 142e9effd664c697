import { Global, Module } from '@nestjs/common';
import { SqlBatcher } from './sql-batcher.service';

export { entityInsert, RawSql } from './entity-insert';
export { SqlBatcher, type Statement } from './sql-batcher.service';

@Global()
@Module({ providers: [SqlBatcher], exports: [SqlBatcher] })
export class SqlModule {}
