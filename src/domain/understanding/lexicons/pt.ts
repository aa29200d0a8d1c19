/**
 * Brazilian Portuguese lexicon (pt-BR). Patterns match normalized text: no accents, ç as c,
 * SMS-speak expanded ("vc" -> "voce", "n" -> "nao", "pra" -> "para").
 */
import type { Lexicon } from './lexicon.js';

/** Portuguese lexicon, pt-BR. */
export const pt: Lexicon = {
  greet: [
    [0.75, '^(?:oi|ola|opa|eai|e ai|salve|alo)|bo[ma] (?:dia|tarde|noite)'],
    [0.5, 'emoji_wave|tudo bem|tudo bom|como vai|beleza\\?'],
  ],
  affirm: [
    [
      0.75,
      '^(?:sim|claro|pode ser|pode|beleza|ok|certo|isso|isso mesmo|fechado|combinado|com certeza|ta bom|esta bom|ta|esta certo|ta certo|positivo|perfeito|otimo|bora|demorou|show|tranquilo|de acordo|aceito|uhum|aham|emoji_yes|sim sim|vamos|pode sim|claro que sim)(?: (?:sim|claro|obrigad[oa]|por favor|pode ser|beleza))*$',
    ],
    [0.35, 'sim|pode ser|combinado|fechado|de acordo|aceito|emoji_yes'],
  ],
  deny: [
    [
      0.75,
      '^(?:nao|nao obrigad[oa]|nem|negativo|de jeito nenhum|nunca|jamais|nao quero|nao posso|nao da|nao consigo|emoji_no|nao tenho interesse|nao aceito)',
    ],
    [0.3, 'nao (?:quero|aceito|concordo)|^nao obrigad[oa]'],
  ],
  thanks: [
    [
      0.8,
      'obrigad[oa]|valeu|agradeco|grat[oa]|brigad[oa]|muito obrigad[oa]|deus (?:te|lhe) (?:abencoe|pague)',
    ],
  ],
  goodbye: [
    [
      0.75,
      'tchau|ate (?:mais|logo|amanha|breve|a proxima)|falou|abracos?|fica com deus|boa noite pra voce',
    ],
  ],
  ask_balance: [
    [
      0.85,
      'quanto (?:devo|eu devo|e|fica|ta|esta|esta a|deu|da|tenho que pagar|preciso pagar|falta)|qual (?:o|e o) (?:valor|saldo|total)|valor (?:da divida|total|atualizado|para quitar|pra quitar)|saldo devedor|quanto (?:ta|esta) (?:minha|a) divida',
    ],
    [0.6, '^quanto$|quanto.*(?:divida|debito|devo|pagar|quitar)'],
  ],
  ask_details: [
    [
      0.85,
      '(?:essa|esta|a) (?:divida|conta|cobranca) (?:e|eh) de (?:que|qual|onde|quem)|de (?:que|qual|onde) (?:e|eh|vem) (?:essa|esta|a) (?:divida|cobranca|conta)|de qual (?:loja|banco|cartao|empresa|conta|contrato|compra)|que divida|que cobranca e essa',
    ],
    [
      0.7,
      'detalhe|detalhamento|por que (?:esta|ta) (?:tao )?(?:alto|caro)|por que (?:eu )?devo|origem da divida|(?:qual|que) contrato|juros',
    ],
  ],
  ask_how_to_pay: [
    [
      0.85,
      'como (?:faco|eu faco|posso|que eu faco) (?:para|pra)? ?pagar|como pag(?:o|ar)|onde (?:pago|posso pagar)|forma de pagamento|(?:me )?(?:manda|envia|mande|passa|gera) (?:o|um|a) (?:boleto|link|codigo|chave|pix)|(?:qual|me passa) a chave(?: pix)?|chave pix|segunda via',
    ],
    [
      0.6,
      'boleto|pix|cartao de credito|transferencia|codigo de barras|posso pagar (?:com|no|na|por)(?! parcela)',
    ],
    [-0.6, 'nao (?:tenho|temos|ha) (?:como|condicoes)'],
  ],
  ask_plan: [
    [
      0.85,
      'parcel(?:ar|amento|ado|a)|da (?:para|pra) parcelar|acordo|negociar|negociacao|renegoci\\w*|pagar (?:em|aos) (?:parcelas|partes|vezes|prestacoes)|prestacoes|tem como dividir|dividir',
    ],
  ],
  propose_plan: [
    [
      0.45,
      '(?:posso|consigo|dou|daria|ofereco|proponho) (?:pagar|dar|depositar|fazer)?|minha proposta|que tal',
    ],
  ],
  promise_to_pay: [
    [
      0.5,
      '(?:eu )?(?:pago|pagarei|vou pagar|deposito|transfiro|faco o pix|mando o pix|quito|acerto)|vou (?:pagar|depositar|transferir|quitar|acertar|fazer o pix|mandar)',
    ],
    [0.4, 'sem falta|prometo|me comprometo|pode contar'],
    [-0.5, 'se (?:eu )?pagar'],
  ],
  ask_discount: [
    [
      0.9,
      'desconto|abatimento|tirar (?:os )?juros|sem juros|reduzir|diminuir|baixar (?:o valor|a divida)|proposta melhor|valor menor|feirao|limpa nome',
    ],
    [0.4, 'a vista'],
  ],
  payment_claim: [
    [
      0.9,
      '(?:ja )?(?:paguei|quitei|depositei|transferi|fiz o (?:pix|pagamento|deposito)|mandei o pix)|ja (?:esta|ta) pag[oa]|ja foi pag[oa]|ja pago',
    ],
    [0.6, 'tenho o comprovante|segue (?:o )?comprovante|comprovante'],
    [-0.9, 'nao (?:paguei|quitei|consegui pagar)|ainda nao (?:paguei|pago)'],
  ],
  request_clearance: [
    [
      0.9,
      'carta de quitacao|declaracao de quitacao|quitacao|nome limpo|limpar (?:o |meu )?nome|tirar (?:o |meu )?nome|sair do (?:serasa|spc)|serasa|spc|baixa (?:no|do) (?:serasa|spc)|nada consta|negativacao',
    ],
  ],
  ask_identity: [
    [
      0.85,
      'quem (?:fala|e|e voce|sao voces|esta falando|ta falando|me mandou)|(?:de )?qual empresa|(?:de )?onde (?:voces )?(?:sao|falam)|como (?:conseguiu|conseguiram|pegaram) meu (?:numero|contato)|(?:voces )?sao (?:de onde|quem)|meus dados',
    ],
    [0.8, 'golpe|fraude|e verdade|e real|e confiavel|e seguro|isso e serio|e golpe'],
  ],
  dispute: [
    [0.8, 'nunca foi (?:minha|meu)|nao (?:e|eh|foi) (?:minha|meu)'],
    [
      0.9,
      'nao reconheco|(?:essa|esta|a) divida nao e minha|nao (?:e|eh) minha|nao devo|nunca (?:fiz|tive|comprei|abri|contratei|pedi|assinei)|nao fiz (?:essa )?(?:compra|divida)|(?:valor|cobranca) (?:errad[oa]|indevid[oa])|prescrit\\w*|contest\\w*|clonaram|fraude no meu nome',
    ],
  ],
  wrong_number: [
    [
      0.9,
      'numero errado|nao sou (?:essa|esta|a|o) (?:pessoa|titular)|nao sou (?:eu|ele|ela)|pessoa errada|nao conheco (?:essa|esta|esse|este)|(?:errou|erraram|engano) (?:de )?(?:numero|pessoa)?|foi engano|numero novo|nao mora aqui',
    ],
  ],
  hardship: [
    [
      0.85,
      'desempregad[oa]|perdi (?:o |meu )?(?:emprego|trabalho)|sem (?:emprego|trabalho|renda|dinheiro|grana)|fui demitid[oa]|mandad[oa] embora|mandaram (?:eu )?embora|estou (?:sem|quebrad[oa]|liso|lisa|duro|dura)|nao tenho (?:como|dinheiro|condicoes|condicao)|doente|hospital|doenca|situacao (?:dificil|complicada)|apertad[oa]|nao (?:consigo|posso) pagar|nao da (?:para|pra) pagar',
    ],
  ],
  talk_to_human: [
    // A lawyer, a bankruptcy or a deceased account holder: only a person may handle these.
    [
      0.85,
      '(?:meu|minha|um|o) advogad[oa]|falem? com (?:meu|minha) advogad[oa]|falencia|recuperacao judicial|insolvencia|superendividamento|(?:o|a) titular (?:ja )?(?:faleceu|morreu)|(?:faleceu|morreu)(?: \\w+){0,4} (?:era|e) (?:o|a) titular|era (?:o|a) titular|falecid[oa]',
    ],
    [
      0.85,
      '(?:falar|conversar) com (?:um |uma |o |a |algum |alguma )?(?:atendente|pessoa|humano|humana|operador|operadora|gerente|supervisor|alguem)|atendente|atendimento humano|pessoa de verdade|(?:alguem|pessoa) real|me liga|me ligue|me liguem|(?:alguem|algum) humano',
    ],
  ],
  opt_out: [
    [0.95, '^(?:sair|parar|pare|stop|cancelar|descadastrar|chega)$'],
    [
      0.95,
      '^(?:(?:por favor|ja|ok|eu disse) )+(?:sair|parar|pare|stop|descadastrar|chega)(?: (?:por favor|obrigad[oa]))*$|^(?:sair|pare|stop|chega)(?: (?:por favor|obrigad[oa]))+$',
    ],
    [
      0.9,
      'par(?:e|em|a) de (?:me )?(?:mandar|enviar|ligar|encher|perturbar|incomodar|escrever)|nao (?:me )?(?:mande|mandem|envie|enviem|ligue|liguem|escreva|escrevam|perturbe|incomode)(?:m)? mais|(?:me )?(?:tira|tirem|remova|removam|exclua|excluam) (?:meu numero )?(?:da|dessa) (?:lista|base)|descadastr\\w*|nao quero (?:mais )?receber|me deixem? em paz|assedio',
    ],
  ],
  abuse: [
    [
      0.8,
      'vai (?:se foder|tomar no cu|pro inferno|a merda)|foder|porra|caralho|merda|filh[oa] da puta|fdp|puta que pariu|ladr(?:ao|oes|ona)|bando de|safad[oa]s?|vagabund[oa]s?|otari[oa]s?|idiota|imbecil|desgracad[oa]s?|lixo|corno|arrombad[oa]s?|trambiqueir[oa]s?|picaret[ao]s?',
    ],
    // One angry face is often frustration ("já paguei 😤"), not abuse; a string of them is.
    [0.5, 'emoji_angry'],
    [0.25, 'emoji_angry emoji_angry'],
  ],
  distress: [
    [
      0.95,
      'quero morrer|me matar|vou me matar|suicid\\w*|tirar (?:a )?minha (?:propria )?vida|nao quero mais viver|acabar com tudo|melhor (?:eu )?morrer|sumir do mapa',
    ],
    [
      0.85,
      'nao aguento mais|nao suporto mais|estou desesperad[oa]|to desesperad[oa]|nao tenho mais forcas',
    ],
  ],
};
