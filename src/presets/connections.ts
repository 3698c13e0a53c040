/**
 * The constructs of the HTTP-brand presets besides Qubitro (`QubitroConnection`): each names its definition
 * and props (in the brand's file); PresetConnection does the rest.
 */
import { Construct } from 'constructs';
import { PresetConnection } from './preset-connection';
import { CAYENNE, CayenneConnectionProps } from './cayenne';
import { COMMONSENSE, CommonsenseConnectionProps } from './commonsense';
import { DATACAKE, DatacakeConnectionProps } from './datacake';
import { GEAR_STUDIO, GearStudioConnectionProps } from './gear-studio';
import { GINJER, GinjerConnectionProps } from './ginjer';
import { NOMOSENSE, NomosenseConnectionProps } from './nomosense';
import { OPINUM, OpinumConnectionProps } from './opinum';
import { TAGO, TagoConnectionProps } from './tago';
import { UNABIZ, UnabizConnectionProps } from './unabiz';
import { WIDGELIX, WidgelixConnectionProps } from './widgelix';

/** An IoT Flow connection to Cayenne (brand `CAYENNE` of `actility-http-iot`): no credential. */
export class CayenneConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: CayenneConnectionProps) {
    super(scope, id, props, CAYENNE);
  }
}

/** An IoT Flow connection to Commonsense (brand `COMMONSENSE` of `actility-http-iot`): no credential. */
export class CommonsenseConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: CommonsenseConnectionProps) {
    super(scope, id, props, COMMONSENSE);
  }
}

/** An IoT Flow connection to Datacake (brand `DATACAKE` of `actility-http-iot`): the token in a header. */
export class DatacakeConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: DatacakeConnectionProps) {
    super(scope, id, props, DATACAKE);
  }
}

/** An IoT Flow connection to GearStudio (brand `GEAR_STUDIO` of `actility-http-iot`): the access token in the URL's query. */
export class GearStudioConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: GearStudioConnectionProps) {
    super(scope, id, props, GEAR_STUDIO);
  }
}

/** An IoT Flow connection to Ginjer (brand `GINJER` of `actility-http-iot`): the token in a header. */
export class GinjerConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: GinjerConnectionProps) {
    super(scope, id, props, GINJER);
  }
}

/** An IoT Flow connection to Nomosense (brand `NOMOSENSE` of `actility-http-iot`): the API key in the URL's query. */
export class NomosenseConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: NomosenseConnectionProps) {
    super(scope, id, props, NOMOSENSE);
  }
}

/** An IoT Flow connection to Opinum (brand `OPINUM` of `actility-http-iot`): username and password as configuration fields. */
export class OpinumConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: OpinumConnectionProps) {
    super(scope, id, props, OPINUM);
  }
}

/** An IoT Flow connection to Tago (brand `TAGO` of `actility-http-iot`): the authorization in the URL's query. */
export class TagoConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: TagoConnectionProps) {
    super(scope, id, props, TAGO);
  }
}

/** An IoT Flow connection to Unabiz (brand `UNABIZ` of `actility-http-iot`): the token in a header. */
export class UnabizConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: UnabizConnectionProps) {
    super(scope, id, props, UNABIZ);
  }
}

/** An IoT Flow connection to Widgelix (brand `WIDGELIX` of `actility-http-iot`): the token in a header. */
export class WidgelixConnection extends PresetConnection {
  constructor(scope: Construct, id: string, props: WidgelixConnectionProps) {
    super(scope, id, props, WIDGELIX);
  }
}
